"""Tables without ruling lines, found by alignment: a header row of short cells, rows whose cells keep to
the header's columns.

A Word table drawn without borders (Olofström's climate plan: "Förvaltning/Bolag  Ansvarig  Tidsplan", most
cells empty) has nothing for pdfplumber's table finder to follow, and read as text it is word soup. Here a
row is cut into cells at gaps wider than CELL_GAP font sizes; a row of two or more short cells, none ending
a sentence, is a header when the rows under it keep to its columns: every cell starts right of the header
cell before its own and ends before the header cell after it begins (left-aligned text and right-aligned
figures alike).  The table ends at a wider gap than its rows' own spacing or
a row that leaves the columns (a paragraph's line runs across them).  A table that runs to the foot of a
page and goes on at the top of the next, in the same columns and without a header, gets the header carried
over.  The caption is the first line of the paragraph just above the header (Olofström's "1.2 Informera och
inspirera …"), so the table's passage says what it is about.

Found tables become the same one-word-per-part rows as ruled ones
(:func:`~assistant.documents.pdf_words.table_words`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.pdf_words import BOLD, group_rows, row_text, table_words
from assistant.documents.tables import row_sentences

CELL_GAP = 1.5
"""A gap between words at least this many font sizes wide separates cells (a space is ≈ 0.28)."""
ALIGN = 3.0
"""Points a cell's left edge may stand off its column's (Word's cell padding is the same in every row)."""
HEADER_CELL_MAX_CHARS = 40
ROW_GAP = 1.6
"""A gap this many times the table's own row spacing ends it (paragraph spacing after a table)."""
YEAR = re.compile(r"\(?(?:19|20)\d\d(?:\s*[–-]\s*(?:19|20)?\d\d)?\)?")
MIN_ROWS = 2
VALUE_MAX_CHARS = 25
"""Under a header that is not bold, a table's values are figures, dates or names, not lines of text."""
CAPTION_MAX_CHARS = 120
EDGE_SHARE = 0.12
"""Rows this close to a page's top are its running header, skipped when a table goes on from the page before."""


@dataclass
class _Open:
    """A table that ran to the foot of a page: its columns and header, for the next page."""

    spans: list[tuple[float, float]]
    header: list[str]
    caption: str


def unruled_tables(pages: list[list[dict]], heights: list[float], body_size: float) -> list[list[dict]]:
    """Each page's words with its unruled tables replaced by table words (pages in order, for carrying)."""
    out = []
    carried: _Open | None = None
    for words, height in zip(pages, heights, strict=True):
        words, carried = _page(words, height, body_size, carried)
        out.append(words)
    return out


def _page(words: list[dict], height: float, body_size: float, carried: _Open | None) -> tuple[list[dict], _Open | None]:
    plain = [w for w in words if not w.get("table") and w["fontname"] != "vector"]
    rows = group_rows(plain, body_size)
    found: list[dict] = []
    used: set[int] = set()
    open_next: _Open | None = None
    start = 0
    if carried is not None:
        first = next((i for i, row in enumerate(rows) if row[0]["bottom"] > height * EDGE_SHARE), len(rows))
        end = _extent(rows, first, carried.spans)
        if end > first and _tabular(rows[first:end], carried.spans, bold=True):
            found += _emit(carried.header, rows[first:end], carried.spans, carried.caption, used)
            open_next = carried if end == len(rows) else None
            start = end
    for i in range(start, len(rows) - 1):
        if any(id(w) in used for w in rows[i]):
            continue
        cells = _cells(rows[i])
        if not _is_header(cells):
            continue
        spans = [(cell[0]["x0"], cell[-1]["x1"]) for cell in cells]
        end = _extent(rows, i, spans)
        bold = all(BOLD.search(w["fontname"]) for w in rows[i])
        if end - i - 1 < MIN_ROWS or not _tabular(rows[i + 1 : end], spans, bold):
            continue
        header = [row_text(cell) for cell in cells]
        caption = _caption(rows, i)
        found += _emit(header, rows[i:end], spans, caption, used, with_header=True)
        open_next = _Open(spans, header, caption) if end == len(rows) else None
    if not found:
        return words, None
    return [w for w in words if id(w) not in used] + found, open_next


def _cells(row: list[dict], spans: list[tuple[float, float]] | None = None) -> list[list[dict]]:
    """A row's words cut into cells at wide gaps, and at a column's edge when the columns are known (a long
    label ends just short of the next column: "Utbildningsförvaltningen Genom KLF")."""
    cells = [[row[0]]]
    for word in row[1:]:
        gap = word["x0"] - cells[-1][-1]["x1"]
        at_edge = spans is not None and gap > 0 and any(abs(word["x0"] - x0) <= ALIGN for x0, _ in spans)
        if gap >= CELL_GAP * word["size"] or at_edge:
            cells.append([word])
        else:
            cells[-1].append(word)
    return cells


def _is_header(cells: list[list[dict]]) -> bool:
    """Two or more short cells, none ending a sentence, the columns' named by words or years ("Ansvarig",
    "2027", "(1989)", "2028–2031"), not amounts ("66 033,00": a table's first row of figures)."""
    texts = [row_text(cell) for cell in cells]
    return (
        len(cells) >= 2
        and all(len(t) <= HEADER_CELL_MAX_CHARS and not t.endswith((".", ":")) for t in texts)
        and all(any(c.isalpha() for c in t) or YEAR.fullmatch(t) for t in texts[1:])
    )


def _column(cell: list[dict], spans: list[tuple[float, float]]) -> int | None:
    """The column a cell keeps to, by its header cell's span: it starts right of the header cell before and
    ends before the header cell after (left-aligned text wider than its header, right-aligned figures
    wider than theirs, a first column under a centred header); else None (a line running across)."""
    x0, x1 = cell[0]["x0"], cell[-1]["x1"]
    for k in range(len(spans)):
        low = spans[k - 1][1] + ALIGN if k else float("-inf")
        high = spans[k + 1][0] - ALIGN if k + 1 < len(spans) else float("inf")
        if low <= x0 and x1 <= high:
            return k
    return None


def _extent(rows: list[list[dict]], begin: int, spans: list[tuple[float, float]]) -> int:
    """The index after the last row from ``begin`` on that keeps to the columns, spaced as a table's rows."""
    end = begin
    pitch = None
    while end < len(rows):
        row = rows[end]
        if any(_column(cell, spans) is None for cell in _cells(row, spans)):
            break
        if end > begin:
            gap = row[0]["top"] - rows[end - 1][0]["top"]
            if pitch is not None and gap > ROW_GAP * pitch:
                break
            pitch = gap if pitch is None else min(pitch, gap)
        end += 1
    return end


def _tabular(rows: list[list[dict]], spans: list[tuple[float, float]], bold: bool) -> bool:
    """Whether rows that keep to the columns are a table: some row fills a column other than the first (else
    they are lines of a list), and the header is bold or the values short (two columns of running text keep
    to their columns too, but with long lines)."""
    values = [row_text(cell) for row in rows for cell in _cells(row, spans) if _column(cell, spans)]
    return bool(values) and (bold or max(map(len, values)) <= VALUE_MAX_CHARS)


def _caption(rows: list[list[dict]], header: int) -> str:
    """The first line of the paragraph right above the header row (rows spaced as its lines), if short."""
    if header == 0:
        return ""
    first = header - 1
    while first > 0:
        gap = rows[first][0]["top"] - rows[first - 1][0]["top"]
        line = rows[first][0]["bottom"] - rows[first][0]["top"]
        if gap > 1.5 * line * 1.2:
            break
        first -= 1
    text = row_text(rows[first])
    return text if len(text) <= CAPTION_MAX_CHARS else ""


def _emit(
    header: list[str],
    rows: list[list[dict]],
    spans: list[tuple[float, float]],
    caption: str,
    used: set[int],
    with_header: bool = False,
) -> list[dict]:
    """The table's rows as table words; its words marked as used."""
    grid: list[list[str | None]] = [list(header)]
    for row in rows[1:] if with_header else rows:
        cells: list[str | None] = [""] * len(spans)
        for cell in _cells(row, spans):
            k = _column(cell, spans)
            if k is not None:
                cells[k] = row_text(cell)
        grid.append(cells)
    inside = [w for row in rows for w in row]
    used.update(id(w) for w in inside)
    x0 = min(w["x0"] for w in inside)
    x1 = max(w["x1"] for w in inside)
    box = (x0, rows[0][0]["top"], x1, max(w["bottom"] for w in inside))
    return table_words(row_sentences(grid, caption), inside, box)
