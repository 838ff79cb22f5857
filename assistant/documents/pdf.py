"""Read a PDF's text layer (pdfplumber) into a :class:`~assistant.documents.layout.Layout`.

A page is read as rows of words with their font size and weight.  Rows that
repeat at the top or bottom of the pages (running header, footer) and page
numbers are removed, the printed number becoming the page's label; small-print
rows at the foot that start with a number are footnotes.  The body is split
into columns at an empty vertical gutter, lines are read column by column, and
blocks are cut at paragraph spacing, headings (larger or bold lines, levelled by
size) and bullets.  A block that runs to the end of a column or page goes on in
the next one unless the last line was ended on purpose (the next word would
have fitted).
"""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

import pdfplumber
from pdfplumber.page import Page

from assistant.documents.layout import Block, Footnote, Layout, clean_characters, join_lines, parse_footnotes
from assistant.errors import UnreadableDocument

log = logging.getLogger(__name__)

HEADING_SIZE_RATIO = 1.12
"""A line at least this much larger than the body text is a heading (body 10–11 pt, smallest headings ≈ 12 pt)."""
SMALL_PRINT_RATIO = 0.92
"""Footnote rows are set at most this large relative to the body (footnotes are usually 7.5–9 pt beside 10–12 pt)."""
PARAGRAPH_SPACE = 0.3
"""Extra space between lines, in body font sizes, that starts a new paragraph (paragraph spacing is ≥ 0.5)."""
GUTTER_MIN = 8.0
"""Narrowest empty vertical strip (points) taken for a gutter between two columns."""
WORD_GAP = 0.12
"""Words closer than this (in font sizes) are glued: a superscript footnote marker sits right on its word."""
BOLD = re.compile(r"Bold|Black|Heavy|Semibold|Demi", re.I)
PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|s\.|page)\s*)?[-–]?\s*(?P<n>\d{1,4})\s*[-–]?(?:\s*(?:av|/|of)\s*\d{1,4})?$", re.I
)
BULLETS = str.maketrans({"\uf0b7": "•", "▪": "•", "●": "•", "◦": "•", "‣": "•", "∙": "•"})
UNMAPPED = re.compile(r"\(cid:\d+\)")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})
SENTENCE_END = (".", "!", "?", ":", "”", '"', ")")
JUNK_TITLE = re.compile(r"^(?:microsoft word - .*|untitled|namnlös.*|.*\.(?:docx?|pdf|odt|indd))$", re.I)


@dataclass(frozen=True)
class _Line:
    """One line of words: its text, box, dominant font size, boldness and column."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    column_right: float

    @property
    def first_word_width(self) -> float:
        first = self.text.split(" ", 1)[0]
        return (self.x1 - self.x0) * len(first) / max(1, len(self.text))


@dataclass
class _Page:
    label: int | None
    columns: list[list[_Line]]
    footnote_rows: list[str]


def read_pdf(data: bytes) -> Layout:
    """The PDF's blocks, footnotes, title and page count; UnreadableDocument with a Swedish reason."""
    title, words, heights, urls, outline = _open(data)
    body_size = _body_size(words)
    pages = _pages(words, heights, body_size)
    footnotes: dict[int, Footnote] = {}
    for page in pages:
        for note in parse_footnotes(page.footnote_rows, page.label, urls):
            footnotes.setdefault(note.number, note)
    blocks = _blocks(pages, body_size, urls)
    levelled = _outlined(blocks, outline, title) if outline else _levelled(blocks)
    return Layout(blocks=levelled, footnotes=footnotes, title=title, pages=len(pages), styled=True)


def read_page_labels(data: bytes) -> list[int | None]:
    """The page label (printed page number) of every page, in file order."""
    _, words, heights, _, _ = _open(data)
    return [page.label for page in _pages(words, heights, _body_size(words))]


def _open(data: bytes) -> tuple[str | None, list[list[dict]], list[float], set[str], dict[str, int]]:
    """Title, words per page, page heights, link targets and outline (heading → level).

    UnreadableDocument when there is no text to read.
    """
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocument("PDF-filen är ofullständig (avkortad); ladda ner eller spara den igen.")
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            title = _title(pdf.metadata)
            words = [_words(page) for page in pdf.pages]
            heights = [float(page.height) for page in pdf.pages]
            urls = {link["uri"] for page in pdf.pages for link in page.hyperlinks if link.get("uri")}
            outline = _outline(pdf)
    except Exception as error:
        if "password" in repr(error).lower() or "encrypt" in repr(error).lower():
            raise UnreadableDocument(
                "PDF-filen är krypterad (lösenordsskyddad); spara en kopia utan lösenord."
            ) from error
        raise UnreadableDocument(f"PDF-filen är skadad och kan inte läsas ({type(error).__name__}).") from error
    if not any(words):
        raise UnreadableDocument(
            "PDF-filen har inget textlager (den är troligen inskannad); kör textigenkänning (OCR) på den först."
        )
    return title, words, heights, urls, outline


def _outline(pdf: pdfplumber.PDF) -> dict[str, int]:
    """The PDF's bookmarks: normalised heading text → level (1 = top); empty when it has none."""
    try:
        entries = list(pdf.doc.get_outlines())
    except Exception:  # pdfminer raises PDFNoOutlines, or fails on a damaged outline: then read the fonts
        return {}
    return {_normalised(entry[1]): entry[0] for entry in entries if isinstance(entry[1], str) and entry[1].strip()}


def _normalised(text: str) -> str:
    return " ".join(clean_characters(text).split()).casefold()


def _title(metadata: dict) -> str | None:
    title = str(metadata.get("Title") or "").strip()
    return title if title and not JUNK_TITLE.match(title) else None


def _words(page: Page) -> list[dict]:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, extra_attrs=["size", "fontname"])
    out = []
    for word in words:
        if not word.get("upright", True):
            continue
        text = clean_characters(word["text"].translate(LIGATURES).translate(BULLETS)).strip()
        if UNMAPPED.fullmatch(text):
            text = "•"  # a glyph without a character: in running text almost always a symbol-font bullet
        text = UNMAPPED.sub("", text)
        if text:
            out.append({**word, "text": text})
    return out


def _body_size(words: list[list[dict]]) -> float:
    sizes: Counter[float] = Counter()
    for page in words:
        for word in page:
            sizes[round(word["size"], 1)] += len(word["text"])
    return sizes.most_common(1)[0][0]


def _rows(words: list[dict], body_size: float) -> list[list[dict]]:
    """Words grouped into rows, top to bottom.

    Words of body size or larger found the rows (a word joins a row when its
    vertical middle lies inside it); smaller words (superscript markers) join
    the row they overlap most, and start rows of their own (footnotes) where
    they overlap none.
    """
    rows: list[list[dict]] = []
    bounds: list[tuple[float, float]] = []

    def place(word: dict) -> None:
        middle = (word["top"] + word["bottom"]) / 2
        for i, (top, bottom) in enumerate(bounds):
            if top <= middle <= bottom:
                rows[i].append(word)
                return
        rows.append([word])
        bounds.append((word["top"], word["bottom"]))

    large = [w for w in words if w["size"] >= body_size * SMALL_PRINT_RATIO]
    for word in sorted(large, key=lambda w: (w["top"], w["x0"])):
        place(word)
    founded = len(rows)
    for word in sorted((w for w in words if w["size"] < body_size * SMALL_PRINT_RATIO), key=lambda w: w["top"]):
        overlaps = [min(word["bottom"], b) - max(word["top"], t) for t, b in bounds[:founded]]
        best = max(range(founded), key=lambda i: overlaps[i], default=None)
        if best is not None and overlaps[best] > 0:
            rows[best].append(word)
        else:
            place(word)
    order = sorted(range(len(rows)), key=lambda i: bounds[i][0])
    return [sorted(rows[i], key=lambda w: w["x0"]) for i in order]


def _row_text(row: list[dict]) -> str:
    text = row[0]["text"]
    for previous, word in itertools.pairwise(row):
        gap = word["x0"] - previous["x1"]
        text += ("" if gap < WORD_GAP * min(word["size"], previous["size"]) else " ") + word["text"]
    return text


def _row_size(row: list[dict]) -> float:
    sizes: Counter[float] = Counter()
    for word in row:
        sizes[round(word["size"], 1)] += len(word["text"])
    return sizes.most_common(1)[0][0]


def _pattern(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _pages(words: list[list[dict]], heights: list[float], body_size: float) -> list[_Page]:
    """Per page: header, footer and footnote rows taken off, the label read, the body in columns."""
    rows = [_rows(page, body_size) for page in words]
    edge_patterns: Counter[str] = Counter()
    for page_rows in rows:
        for row in {id(r): r for r in (page_rows[:1] + page_rows[-1:])}.values():
            edge_patterns[_pattern(_row_text(row))] += 1
    repeated = {p for p, n in edge_patterns.items() if n >= 2 and n >= len(rows) / 2}
    pages = []
    for page_rows, height in zip(rows, heights, strict=True):
        label = None
        body_rows = list(page_rows)
        for end in (0, -1):
            while body_rows:
                row = body_rows[end]
                text = _row_text(row)
                number = PAGE_NUMBER.match(text)
                edge = row[0]["top"] < height * 0.15 or row[0]["bottom"] > height * 0.85
                if not edge or not (number or _pattern(text) in repeated):
                    break
                found = number or re.search(r"\b(\d{1,4})\b", text)
                if found and label is None and (number or len(re.findall(r"\d+", text)) == 1):
                    label = int(found.group(1))
                body_rows.pop(end)
        footnote_start = len(body_rows)
        while footnote_start > 0 and _row_size(body_rows[footnote_start - 1]) < body_size * SMALL_PRINT_RATIO:
            footnote_start -= 1
        while footnote_start < len(body_rows) and not re.match(r"\d", _row_text(body_rows[footnote_start])):
            footnote_start += 1
        footnote_rows = [_row_text(r) for r in body_rows[footnote_start:]]
        body = [w for row in body_rows[:footnote_start] for w in row]
        pages.append(_Page(label, [_lines(column, body_size) for column in _columns(body)], footnote_rows))
    _fill_labels(pages)
    return pages


def _fill_labels(pages: list[_Page]) -> None:
    """Pages without a printed number get one counted from their neighbours (or their position)."""
    known = [(i, p.label) for i, p in enumerate(pages) if p.label is not None]
    for i, page in enumerate(pages):
        if page.label is not None:
            continue
        before = [(j, label) for j, label in known if j < i]
        after = [(j, label) for j, label in known if j > i]
        if before:
            page.label = before[-1][1] + i - before[-1][0]
        elif after and after[0][1] - (after[0][0] - i) >= 1:
            page.label = after[0][1] - (after[0][0] - i)
        else:
            page.label = i + 1


def _columns(words: list[dict]) -> list[list[dict]]:
    """One or two columns, split at the widest empty vertical strip near the middle."""
    if len(words) < 20:
        return [words] if words else []
    left = min(w["x0"] for w in words)
    right = max(w["x1"] for w in words)
    covered = sorted((w["x0"], w["x1"]) for w in words)
    best: tuple[float, float] | None = None
    reach = covered[0][1]
    for x0, x1 in covered[1:]:
        if x0 - reach >= GUTTER_MIN:
            central = left + 0.3 * (right - left) <= (x0 + reach) / 2 <= left + 0.7 * (right - left)
            if central and (best is None or x0 - reach > best[1] - best[0]):
                best = (reach, x0)
        reach = max(reach, x1)
    if best is None:
        return [words]
    split = sum(best) / 2
    columns = [[w for w in words if w["x1"] <= split], [w for w in words if w["x1"] > split]]
    if min(len(c) for c in columns) < 0.15 * len(words):
        return [words]
    return columns


def _lines(words: list[dict], body_size: float) -> list[_Line]:
    if not words:
        return []
    column_right = max(w["x1"] for w in words)
    lines = []
    for row in _rows(words, body_size):
        size = _row_size(row)
        main = [w for w in row if round(w["size"], 1) == size]
        chars = sum(len(w["text"]) for w in row)
        bold = sum(len(w["text"]) for w in row if BOLD.search(w["fontname"])) > 0.8 * chars
        lines.append(
            _Line(
                text=_row_text(row),
                x0=row[0]["x0"],
                x1=row[-1]["x1"],
                top=min(w["top"] for w in main),
                bottom=max(w["bottom"] for w in main),
                size=size,
                bold=bold,
                column_right=column_right,
            )
        )
    return lines


def _style(line: _Line, body_size: float) -> Style:
    """The heading style of a line (size, bold), or None for body text."""
    if line.size >= body_size * HEADING_SIZE_RATIO or (line.bold and line.size >= body_size * SMALL_PRINT_RATIO):
        return (round(line.size * 2) / 2, line.bold)
    return None


Style = tuple[float, bool] | None
"""A line's heading style (size, bold), or None for body text."""


def _blocks(pages: list[_Page], body_size: float, urls: set[str]) -> list[tuple[Block, Style]]:
    """Lines joined into blocks, each with its heading style; pages and columns in reading order."""
    spacing = _line_spacing(pages, body_size)
    blocks: list[tuple[Block, Style]] = []
    lines: list[_Line] = []
    style: Style = None
    label: int | None = None
    for page in pages:
        for column in page.columns:
            previous: _Line | None = None
            for line in column:
                line_style = _style(line, body_size)
                if lines and _starts_block(line, line_style, previous, lines[-1], style, spacing, body_size):
                    blocks.append((Block(join_lines([x.text for x in lines], urls), label), style))
                    lines = []
                if not lines:
                    style, label = line_style, page.label
                lines.append(line)
                previous = line
    if lines:
        blocks.append((Block(join_lines([x.text for x in lines], urls), label), style))
    return blocks


def _starts_block(
    line: _Line,
    line_style: Style,
    previous: _Line | None,
    last: _Line,
    style: Style,
    spacing: float,
    body_size: float,
) -> bool:
    """Whether ``line`` opens a new block after ``last`` (``previous`` is None at the top of a column)."""
    if line_style != style or line.text.startswith("•"):
        return True
    if previous is None:
        if style or line.text.startswith(("”", "“")):
            return True
        leftover = last.column_right - last.x1
        ended = last.text.endswith(SENTENCE_END) and leftover > line.first_word_width + 0.5 * last.size
        return ended
    return line.top - previous.bottom > spacing + PARAGRAPH_SPACE * body_size


def _line_spacing(pages: list[_Page], body_size: float) -> float:
    """The usual white space between two lines of body text (the median)."""
    gaps = [
        line.top - previous.bottom
        for page in pages
        for column in page.columns
        for previous, line in itertools.pairwise(column)
        if previous.size == line.size == body_size and line.top > previous.bottom
    ]
    return statistics.median(gaps) if gaps else 0.2 * body_size


def _outlined(blocks: list[tuple[Block, Style]], outline: dict[str, int], title: str | None) -> list[Block]:
    """Heading levels from the PDF's outline: a block is a heading when its text is a bookmark's title.

    The outline is what the author marked as structure, so it wins over font size and weight; a block
    that only looks like a heading (a bold lead-in) stays text, and the title set large on the first
    page (not a bookmark) is left out.
    """
    if blocks and title and blocks[0][1] and _normalised(blocks[0][0].text) == _normalised(title):
        blocks = blocks[1:]
    return [Block(b.text, b.page, outline.get(_normalised(b.text), 0)) for b, _ in blocks]


def _levelled(blocks: list[tuple[Block, Style]]) -> list[Block]:
    """Heading levels by style: the largest size is level 1, bold before regular at the same size."""
    order = sorted({s for _, s in blocks if s}, key=lambda s: (-s[0], not s[1]))
    level = {s: i + 1 for i, s in enumerate(order)}
    return [Block(b.text, b.page, level[s]) if s else b for b, s in blocks]
