"""Read a PDF's text layer (pdfplumber) into a :class:`~assistant.documents.layout.Layout`.

pdfplumber (on pdfminer.six) gives the words with their boxes, font sizes and
font names, the vector shapes and the PDF's page labels and outline; everything
about reading order and structure is ours (see docs/documents.md).

A page is read as rows of words with their font size and weight.  Rows at the
top or bottom of the pages that repeat with their digits masked (running
header, footer, page numbers) are removed; their numbers give the printed page
label (:mod:`assistant.documents.pdf_labels`).  Small-print rows at the foot
that start with a number are footnotes.  The body is split into columns at
empty vertical gutters (two or three), per region of the page: a row that
crosses a gutter (a title, a full-width paragraph) is read on its own.  Blocks
are cut at paragraph spacing, headings (larger or bold lines, levelled by the
document's own ranking of sizes) and bullets (glyphs, symbol-font and
private-use glyphs, small vector dots, see :mod:`assistant.documents.pdf_glyphs`).
A block that runs to the end of a column or page goes on in the next one unless
the last line was ended on purpose (the next word would have fitted).  Tables of
contents and the numbers and legends of charts are left out, and a paragraph
longer than a screen is split at sentence ends, each part with its own page.
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
from assistant.documents.pdf_columns import regions
from assistant.documents.pdf_glyphs import BULLET_CHARS, is_bullet_word, map_private
from assistant.documents.pdf_labels import pdf_page_labels, printed_labels
from assistant.documents.pdf_structure import is_chart_text, is_contents_page, page_ranges, split_long
from assistant.documents.tables import row_sentences
from assistant.documents.titles import SITE_SUFFIX
from assistant.errors import UnreadableDocument

log = logging.getLogger(__name__)

HEADING_SIZE_RATIO = 1.12
"""A line at least this much larger than the body text is a heading (body 10–11 pt, smallest headings ≈ 12 pt)."""
SMALL_PRINT_RATIO = 0.92
"""Footnote rows are set at most this large relative to the body (footnotes are usually 7.5–9 pt beside 10–12 pt)."""
PARAGRAPH_SPACE = 0.3
"""Extra space between lines, in body font sizes, that starts a new paragraph (paragraph spacing is ≥ 0.5)."""
WORD_GAP = 0.12
"""Words closer than this (in font sizes) are glued: a superscript footnote marker sits right on its word."""
BOLD = re.compile(r"Bold|Black|Heavy|Semibold|Demi", re.I)
PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|s\.|page)\s*)?[-–]?\s*(?P<n>\d{1,4})\s*[-–]?(?:\s*(?:av|/|of)\s*\d{1,4})?$", re.I
)
LINE_BULLETS = {"·", "-", "o", "ñ"}
"""Single characters that are a bullet when they stand alone at the start of a line ("- text", "· text"); not
the en dash, which starts a line of running text ("– om måluppfyllelse")."""
VECTOR_BULLET = (1.5, 7.0)
"""A filled dot or square this many points wide, just left of a line, is a drawn bullet (Chromium: 3–5 pt)."""
HANGING_INDENT = 6.0
"""Points a paragraph's first line, or a list item's other lines, stand in (Word: 0.63 cm = 18 pt, SKL 17 pt)."""
HANGING_SLACK = 1.5
COVER_RATIO = 1.5
"""The title on a cover is set far larger than the body (SKL 45 pt, SCB 45.6 pt, reportlab 20 pt beside 10–12)."""
COVER_BLOCKS = 12
"""How far into the document a heading may repeat the cover title in full."""
EDGE_ROWS = 2
"""Rows at each end of a page that may be a running header or footer (a title line and a rule's caption)."""
EDGE_SHARE = 0.12
"""Header and footer rows lie within this share of the page height from its top or bottom edge."""
REPEATED_SHARE = 0.3
"""A masked edge row on at least this share of the pages (and on two) is running: alternate even/odd headers
each appear on half of the pages."""
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
    table: bool = False
    """A table row, read as one sentence: a block of its own."""

    @property
    def first_word_width(self) -> float:
        first = self.text.split(" ", 1)[0]
        return (self.x1 - self.x0) * len(first) / max(1, len(self.text))


@dataclass
class _Page:
    label: int | None
    columns: list[list[_Line]]
    footnote_rows: list[str]


@dataclass
class _Document:
    """What is read from the file: metadata title, words per page, page heights, links, outline, labels."""

    title: str | None
    words: list[list[dict]]
    heights: list[float]
    urls: set[str]
    outline: dict[str, int]
    pdf_labels: list[int | None] | None
    lost: list[int]
    """Per page, how many private-use glyphs could not be read as characters."""


def read_pdf(data: bytes) -> Layout:
    """The PDF's blocks, footnotes, title and page count; UnreadableDocument with a Swedish reason."""
    document = _open(data)
    body_size = _body_size(document.words)
    pages = _pages(document, body_size)
    footnotes: dict[int, Footnote] = {}
    for page in pages:
        for note in parse_footnotes(page.footnote_rows, page.label, document.urls):
            footnotes.setdefault(note.number, note)
    blocks = [
        (block, style)
        for block, style in _blocks(pages, body_size, document.urls)
        if any(c.isalnum() for c in block.text) and (style or not is_chart_text(block.text))
    ]
    blocks = _join_heading_lines(blocks)
    title = document.title
    levelled = _outlined(blocks, document.outline, title) if document.outline else _levelled(blocks)
    return Layout(
        blocks=levelled,
        footnotes=footnotes,
        title=title,
        pages=len(pages),
        styled=True,
        cover_title=_continued(_cover_title(document.words[0], body_size), levelled),
        notes=_notes(document, pages),
    )


def read_page_labels(data: bytes) -> list[int | None]:
    """The page label (printed page number) of every page, in file order."""
    document = _open(data)
    return [page.label for page in _pages(document, _body_size(document.words))]


def _join_heading_lines(blocks: list[tuple[Block, Style]]) -> list[tuple[Block, Style]]:
    """A heading set over two lines with a gap between them ("Avhopp i politiken" / "vanligare bland kvinnor")
    as one heading: the same style, the second line going on in lower case."""
    joined: list[tuple[Block, Style]] = []
    for block, style in blocks:
        if joined and style and joined[-1][1] == style and block.text[:1].islower():
            previous = joined[-1][0]
            joined[-1] = (Block(f"{previous.text} {block.text}", previous.page, previous.heading), style)
        else:
            joined.append((block, style))
    return joined


def _cover_title(words: list[dict], body_size: float) -> str | None:
    """The first page's largest text (at least COVER_RATIO × the body size and a word long), rows in order."""
    sizes: Counter[float] = Counter()
    for word in words:
        sizes[round(word["size"], 1)] += sum(c.isalpha() for c in word["text"])
    large = sorted((size for size, letters in sizes.items() if letters >= 4 and size >= body_size * COVER_RATIO))
    if not large:
        return None
    chosen = [w for w in words if round(w["size"], 1) >= large[-1] * 0.95]
    return " ".join(_row_text(row) for row in _rows(chosen, large[-1]))[:300] or None


def _continued(title: str | None, blocks: list[Block]) -> str | None:
    """The cover title, or a heading soon after that starts with it (a title set over a magazine's spread)."""
    if title is None:
        return None
    head = blocks[:COVER_BLOCKS]
    candidates = [b.text for b in head if b.heading] + [
        f"{a.text} {b.text}" for a, b in itertools.pairwise(head) if a.heading and a.heading == b.heading
    ]
    for text in candidates:
        if len(text) > len(title) and _normalised(text).startswith(_normalised(title)):
            return text
    return title


def _notes(document: _Document, pages: list[_Page]) -> tuple[str, ...]:
    """What could not be read, in Swedish: pages without text, glyphs without characters (by printed page)."""
    labels = [page.label if page.label is not None else i + 1 for i, page in enumerate(pages)]
    empty = [labels[i] for i, words in enumerate(document.words) if not words]
    lost = [labels[i] for i, count in enumerate(document.lost) if count]
    notes = []
    if lost:
        notes.append(
            f"{page_ranges(lost)}: vissa tecken (ofta siffror) kan inte läsas ur PDF-filen "
            "(typsnittet saknar teckenkoder) och saknas i texten"
        )
    if empty:
        notes.append(f"{page_ranges(empty)}: sidan har ingen text (troligen en inskannad bild) och kan inte läsas")
    return tuple(notes)


def _open(data: bytes) -> _Document:
    """What the reader needs from the file; UnreadableDocument when there is no text to read."""
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocument("PDF-filen är ofullständig (avkortad); ladda ner eller spara den igen.")
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            title = _title(pdf.metadata)
            read = [_words(page) for page in pdf.pages]
            heights = [float(page.height) for page in pdf.pages]
            urls = {link["uri"] for page in pdf.pages for link in page.hyperlinks if link.get("uri")}
            outline = _outline(pdf)
            labels = pdf_page_labels(pdf)
    except Exception as error:
        if "password" in repr(error).lower() or "encrypt" in repr(error).lower():
            raise UnreadableDocument(
                "PDF-filen är krypterad (lösenordsskyddad); spara en kopia utan lösenord."
            ) from error
        raise UnreadableDocument(f"PDF-filen är skadad och kan inte läsas ({type(error).__name__}).") from error
    words = [page_words for page_words, _ in read]
    if not any(words):
        raise UnreadableDocument(
            "PDF-filen har inget textlager (den är troligen inskannad); kör textigenkänning (OCR) på den först."
        )
    return _Document(title, words, heights, urls, outline, labels, [lost for _, lost in read])


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
    title = SITE_SUFFIX.sub("", str(metadata.get("Title") or "").strip())
    return title if title and not JUNK_TITLE.match(title) else None


def _words(page: Page) -> tuple[list[dict], int]:
    """The page's upright words (glyph bullets as "•", Adobe's private figures as digits, vector bullets added)
    and how many glyphs had no character."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, extra_attrs=["size", "fontname"])
    words, table_rows = _tables(page, words)
    out = []
    lost = 0
    for word in words:
        if not word.get("upright", True):
            continue
        raw = word["text"].translate(LIGATURES).translate(BULLET_CHARS)
        if raw.endswith("\xad"):  # a soft hyphen where the line was broken: a hyphen the joiner undoes
            raw = raw[:-1] + "-"
        if is_bullet_word(raw, word["fontname"]) or UNMAPPED.fullmatch(raw.strip()):
            out.append({**word, "text": "•"})  # a glyph without a character: in running text a bullet
            continue
        raw, dropped = map_private(raw)
        lost += dropped + len(UNMAPPED.findall(raw))
        text = clean_characters(UNMAPPED.sub("", raw)).strip()
        if text:
            out.append({**word, "text": text})
    return out + _vector_bullets(page, out) + table_rows, lost


def _tables(page: Page, words: list[dict]) -> tuple[list[dict], list[dict]]:
    """Ruled tables (pdfplumber's table finder) as one "word" per row holding the row as a sentence with its
    header cells (:func:`~assistant.documents.tables.row_sentences`), and the page's other words.

    Only a page with ruling lines is searched: the finder looks for lines, and is slow on a page of text.
    """
    if not page.lines and not page.rects:
        return words, []
    rows = []
    for table in page.find_tables():
        x0, top, x1, bottom = table.bbox
        inside = [w for w in words if x0 <= w["x0"] and w["x1"] <= x1 and top <= w["top"] and w["bottom"] <= bottom]
        texts = row_sentences(table.extract())
        if len(table.rows) < 2 or not inside or not texts:
            continue
        words = [w for w in words if not any(w is i for i in inside)]
        size = statistics.median(w["size"] for w in inside)
        tops = [row.bbox[1] for row in table.rows][-len(texts) :]
        for text, row_top in zip(texts, tops, strict=True):
            rows.append(
                {
                    "text": clean_characters(text),
                    "x0": x0,
                    "x1": x1,
                    "top": row_top,
                    "bottom": row_top + size,
                    "size": size,
                    "fontname": "table",
                    "upright": True,
                    "table": True,
                }
            )
    return words, rows


def _vector_bullets(page: Page, words: list[dict]) -> list[dict]:
    """Small filled dots or squares just left of a word on their line, as "•" words (Chromium draws bullets)."""
    low, high = VECTOR_BULLET
    marks = []
    for shape in itertools.chain(page.curves, page.rects):
        width, height = shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]
        if not (low <= width <= high and low <= height <= high and abs(width - height) <= 1.0 and shape.get("fill")):
            continue
        middle = (shape["top"] + shape["bottom"]) / 2
        follows = any(w["top"] <= middle <= w["bottom"] and 0 < w["x0"] - shape["x1"] <= 4 * w["size"] for w in words)
        if follows:
            size = height * 2
            marks.append(
                {
                    "text": "•",
                    "x0": shape["x0"],
                    "x1": shape["x1"],
                    "top": shape["top"],
                    "bottom": shape["bottom"],
                    "size": size,
                    "fontname": "vector",
                    "upright": True,
                }
            )
    return marks


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
    """A row with its numbers masked ("Välfärd Nr 3 2007 21" → "välfärd nr #"): the same on every page."""
    return re.sub(r"\d+(?:\s+\d+)*", "#", text.casefold())


def _pages(document: _Document, body_size: float) -> list[_Page]:
    """Per page: header, footer and footnote rows taken off, the printed label found, the body in columns."""
    rows = [_rows(page, body_size) for page in document.words]
    edges = [_edge_rows(page_rows, height) for page_rows, height in zip(rows, document.heights, strict=True)]
    counts: Counter[str] = Counter()
    for page_edges in edges:
        counts.update({_pattern(_row_text(row)) for row in page_edges})
    running = {p for p, n in counts.items() if n >= 2 and n >= REPEATED_SHARE * len(rows)}
    numbers: list[list[int]] = []
    every: list[set[int]] = []
    bare: list[int | None] = []
    bodies = []
    for page_rows, page_edges in zip(rows, edges, strict=True):
        removed = [
            row for row in page_edges if PAGE_NUMBER.match(_row_text(row)) or _pattern(_row_text(row)) in running
        ]
        texts = [_row_text(row) for row in removed]
        numbers.append([int(n) for text in texts for n in _outer_numbers(text)])
        every.append({int(n) for text in texts for n in re.findall(r"\b\d{1,4}\b", text)})
        bare_match = next((m for m in (PAGE_NUMBER.match(t) for t in texts) if m), None)
        bare.append(int(bare_match.group("n")) if bare_match else None)
        bodies.append([row for row in page_rows if not any(row is r for r in removed)])
    constant = {n for n, pages in Counter(n for page in every for n in page).items() if pages >= 2}
    numbers = [[n for n in page if n not in constant] for page in numbers]  # a year or an issue number
    labels = printed_labels(numbers, bare, document.pdf_labels)
    pages = []
    for body_rows, label in zip(bodies, labels, strict=True):
        footnote_start = len(body_rows)
        while footnote_start > 0 and _row_size(body_rows[footnote_start - 1]) < body_size * SMALL_PRINT_RATIO:
            footnote_start -= 1
        while footnote_start < len(body_rows) and not re.match(r"\d", _row_text(body_rows[footnote_start])):
            footnote_start += 1
        footnote_rows = [_row_text(r) for r in body_rows[footnote_start:]]
        segments = regions(body_rows[:footnote_start], body_size)
        pages.append(_Page(label, [_lines(words, body_size) for words in segments], footnote_rows))
    _drop_contents(pages)
    return pages


def _drop_contents(pages: list[_Page]) -> None:
    """Empty the pages that are a table of contents (a TOC repeats the headings and is not text to answer from)."""
    after_contents = False
    for page in pages:
        after_contents = is_contents_page([line.text for column in page.columns for line in column], after_contents)
        if after_contents:
            page.columns = []


def _outer_numbers(text: str) -> list[int]:
    """Numbers at the start or end of a header or footer row: where page numbers are printed."""
    tokens = text.split()
    return [int(t) for t in {tokens[0], tokens[-1]} if re.fullmatch(r"\d{1,4}", t)]


def _edge_rows(rows: list[list[dict]], height: float) -> list[list[dict]]:
    """The first and last EDGE_ROWS rows of a page that lie near its top or bottom edge."""
    top = [row for row in rows[:EDGE_ROWS] if row[0]["bottom"] <= height * EDGE_SHARE]
    bottom = [row for row in rows[-EDGE_ROWS:] if row[0]["top"] >= height * (1 - EDGE_SHARE)]
    return top + [row for row in bottom if not any(row is r for r in top)]


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
        text = _row_text(row)
        first = text.split(" ", 1)
        if len(first) == 2 and first[0] in LINE_BULLETS:
            text = "• " + first[1]
        lines.append(
            _Line(
                text=text,
                x0=row[0]["x0"],
                x1=row[-1]["x1"],
                top=min(w["top"] for w in main),
                bottom=max(w["bottom"] for w in main),
                size=size,
                bold=bold,
                column_right=column_right,
                table=any(w.get("table") for w in row),
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
    lines: list[tuple[_Line, int | None]] = []
    style: Style = None

    def flush() -> None:
        parts = [[(line.text, label) for line, label in lines]]
        if style is None and not lines[0][0].text.startswith(("•", "”", "“", '"')):
            parts = split_long(parts[0])
        for part in parts:
            blocks.append((Block(join_lines([text for text, _ in part], urls), part[0][1]), style))
        lines.clear()

    for page in pages:
        for column in page.columns:
            previous: _Line | None = None
            started_here = False  # whether the open block began in this column (a page's margins differ)
            for line in column:
                line_style = _style(line, body_size)
                if lines and (
                    _starts_block(line, line_style, previous, lines[-1][0], style, spacing, body_size)
                    or (started_here and _indent_break(line, previous, [x for x, _ in lines]))
                ):
                    flush()
                if not lines:
                    style = line_style
                    started_here = True
                lines.append((line, page.label))
                previous = line
    if lines:
        flush()
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
    if line_style != style or line.text.startswith("•") or line.table or last.table:
        return True
    if previous is None:
        if style or line.text.startswith(("”", "“")):
            return True
        leftover = last.column_right - last.x1
        ended = last.text.endswith(SENTENCE_END) and leftover > line.first_word_width + 0.5 * last.size
        return ended
    scale = line.size / body_size if style else 1.0  # a heading's lines are spaced by its own size
    return line.top - previous.bottom > scale * spacing + PARAGRAPH_SPACE * body_size * scale


def _indent_break(line: _Line, previous: _Line | None, block: list[_Line]) -> bool:
    """A new paragraph or list item shown by indentation rather than spacing.

    A first-line indent: this line stands in from the one before, which ended a sentence (a Word report's
    paragraphs without spacing).  A hanging indent: the block's first line stands out to the left of the
    lines under it, and this line is back at that first line's edge ("1. Att artikulera …" / "   och …").
    """
    if previous is None:
        return False
    if line.x0 - previous.x0 >= HANGING_INDENT and previous.text.endswith(SENTENCE_END):
        return True
    first = block[0]
    return (
        len(block) >= 2
        and block[1].x0 - first.x0 >= HANGING_INDENT
        and previous.x0 - first.x0 >= HANGING_INDENT
        and abs(line.x0 - first.x0) <= HANGING_SLACK
    )


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
