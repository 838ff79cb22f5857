"""Read a PDF's text layer (pdfplumber) into a :class:`~assistant.documents.layout.Layout`.

pdfplumber (on pdfminer.six) gives the words with their boxes, font sizes and
font names, the vector shapes and the PDF's page labels and outline; everything
about reading order and structure is ours (see docs/documents.md).  This module
opens the file and puts the parts together; each step is a module of its own:

1. :mod:`~assistant.documents.pdf_words` — a page is read as rows of words with
   their font size and weight; glyph, symbol-font, private-use and small vector
   bullets are "•" (:mod:`~assistant.documents.pdf_glyphs`), a ruled table is a
   sentence per row.
2. :mod:`~assistant.documents.pdf_pages` — rows at the top or bottom of the
   pages that repeat with their digits masked (running header, footer, page
   numbers) are removed; their numbers give the printed page label
   (:mod:`~assistant.documents.pdf_labels`).  Small-print rows at the foot that
   start with a number are footnotes.  The body is split into columns at empty
   vertical gutters (two or three), per region of the page: a row that crosses a
   gutter (a title, a full-width paragraph) is read on its own
   (:mod:`~assistant.documents.pdf_columns`).  Tables of contents are left out.
3. :mod:`~assistant.documents.pdf_blocks` — blocks are cut at paragraph spacing,
   headings (larger or bold lines) and bullets.  A block that runs to the end of
   a column or page goes on in the next one unless the last line was ended on
   purpose (the next word would have fitted).  A paragraph longer than a screen
   is split at sentence ends, each part with its own page.
4. here — the numbers and legends of charts are left out
   (:mod:`~assistant.documents.pdf_structure`); headings are levelled by the
   PDF's outline when it has one, else by the document's own ranking of sizes;
   the title, the cover's title and notes on what could not be read.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

import pdfplumber
import pypdfium2
import pypdfium2.raw

from assistant.documents.layout import Block, Footnote, Layout, clean_characters, join_lines, parse_footnotes
from assistant.documents.pdf_blocks import Style, join_blocks, join_heading_lines
from assistant.documents.pdf_fast import fast_words
from assistant.documents.pdf_labels import pdf_page_labels
from assistant.documents.pdf_ocr import INSTALL, missing_message, ocr_pages, tesseract_ready
from assistant.documents.pdf_pages import Page, read_pages
from assistant.documents.pdf_structure import is_chart_text, page_ranges
from assistant.documents.pdf_tables import unruled_tables
from assistant.documents.pdf_words import (
    OpenTable,
    body_font_size,
    cleaned_words,
    group_rows,
    read_words,
    row_text,
)
from assistant.documents.titles import is_producer_artefact, without_site_name
from assistant.errors import UnreadableDocument

COVER_RATIO = 1.5
"""The title on a cover is set far larger than the body (SKL 45 pt, SCB 45.6 pt, reportlab 20 pt beside 10–12)."""
SCAN_TITLE_MAX_CHARS = 100
COVER_BLOCKS = 12
"""How far into the document a heading may repeat the cover title in full."""
OUTLINE_MATCH = 1 / 3
"""Share of the outline's entries that must be headings in the text for it to level them (SKL: most are)."""


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
    ocr: set[int]
    """The pages (0-based) read by OCR: scanned, without a text layer."""
    unread_scans: bool
    """Whether scanned pages were left unread because Tesseract is not installed."""


def read_pdf(data: bytes) -> Layout:
    """The PDF's blocks, footnotes, title and page count; UnreadableDocument with a Swedish reason."""
    document = _open(data)
    body_size = body_font_size(document.words)
    document.words = unruled_tables(document.words, document.heights, body_size)
    pages = read_pages(document.words, document.heights, document.pdf_labels, body_size)
    footnotes: dict[int, Footnote] = {}
    for page in pages:
        for note in parse_footnotes(page.footnote_rows, page.label, document.urls):
            footnotes.setdefault(note.number, note)
    blocks = [
        (block, style)
        for block, style in join_blocks(pages, body_size, document.urls)
        if any(c.isalnum() for c in block.text) and (style or not is_chart_text(block.text))
    ]
    blocks = join_heading_lines(blocks)
    title = document.title
    outlined = _matches_outline(blocks, document.outline)
    levelled = _outlined(blocks, document.outline, title) if outlined else _levelled(blocks)
    return Layout(
        blocks=levelled,
        footnotes=footnotes,
        title=title,
        pages=len(pages),
        styled=True,
        cover_title=_scan_title(document.words[0])
        if 0 in document.ocr
        else _continued(_cover_title(document.words[0], body_size), levelled),
        notes=_notes(document, pages),
        ocr_pages=frozenset(page.label for i, page in enumerate(pages) if i in document.ocr),
    )


def read_page_labels(data: bytes) -> list[int | None]:
    """The page label (printed page number) of every page, in file order; the last LABELS_KEPT documents'
    are kept (a scan's labels are read by OCR, seconds a page, and "Sidan i dokumentet" asks each time)."""
    key = hashlib.sha256(data).digest()
    with _labels_lock:
        known = _labels.get(key)
    if known is None:
        document = _open(data)
        pages = read_pages(document.words, document.heights, document.pdf_labels, body_font_size(document.words))
        known = [page.label for page in pages]
        with _labels_lock:
            _labels[key] = known
            while len(_labels) > LABELS_KEPT:
                del _labels[next(iter(_labels))]
    return list(known)


LABELS_KEPT = 16
_labels: dict[bytes, list[int | None]] = {}
_labels_lock = threading.Lock()


def _cover_title(words: list[dict], body_size: float) -> str | None:
    """The first page's largest text (at least COVER_RATIO × the body size and a word long), rows in order."""
    sizes: Counter[float] = Counter()
    for word in words:
        sizes[round(word["size"], 1)] += sum(c.isalpha() for c in word["text"])
    large = sorted((size for size, letters in sizes.items() if letters >= 4 and size >= body_size * COVER_RATIO))
    if not large:
        return None
    chosen = [w for w in words if round(w["size"], 1) >= large[-1] * 0.95]
    return join_lines([row_text(row) for row in group_rows(chosen, large[-1])], set())[:300] or None


def _scan_title(words: list[dict]) -> str | None:
    """A scanned first page's title: its first lines, up to the first gap (OCR gives every word one size)."""
    rows = group_rows(words, words[0]["size"]) if words else []
    lines = rows[:1]
    for row in rows[1:]:
        if row[0]["top"] - lines[-1][0]["bottom"] > lines[-1][0]["bottom"] - lines[-1][0]["top"]:
            break
        lines.append(row)
    title = join_lines([row_text(row) for row in lines], set())
    return title if 0 < len(title) <= SCAN_TITLE_MAX_CHARS else None


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


def _notes(document: _Document, pages: list[Page]) -> tuple[str, ...]:
    """What could not be read, in Swedish: pages without text, glyphs without characters (by printed page)."""
    labels = [page.label if page.label is not None else i + 1 for i, page in enumerate(pages)]
    empty = [labels[i] for i, words in enumerate(document.words) if not words]
    lost = [labels[i] for i, count in enumerate(document.lost) if count]
    notes = []
    if document.ocr:
        notes.append(
            f"{page_ranges([labels[i] for i in sorted(document.ocr)])}: inskannad, läst med textigenkänning (OCR); "
            "jämför siffror och namn med originalet"
        )
    if lost:
        notes.append(
            f"{page_ranges(lost)}: vissa tecken (ofta siffror) kan inte läsas ur PDF-filen "
            "(typsnittet saknar teckenkoder) och saknas i texten"
        )
    if empty:
        notes.append(f"{page_ranges(empty)}: sidan har ingen text (troligen en inskannad bild) och kan inte läsas")
        if document.unread_scans:
            notes.append(f"inskannade sidor läses med textigenkänning (OCR) när den är installerad: {INSTALL}")
    return tuple(notes)


def _open(data: bytes) -> _Document:
    """What the reader needs from the file; UnreadableDocument when there is no text to read."""
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocument("PDF-filen är ofullständig (avkortad); ladda ner eller spara den igen.")
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            title = _title(pdf.metadata)
            read, images = _read_pages(data, pdf)
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
    scanned = [i for i, page_words in enumerate(words) if images[i] and not page_words]
    ready = bool(scanned) and tesseract_ready()
    ocr: set[int] = set()
    for index, (page_words, height) in (ocr_pages(data, scanned) if ready else {}).items():
        words[index], heights[index] = page_words, height
        ocr.add(index)
    if not any(words):
        if scanned and not ready:
            raise UnreadableDocument(missing_message())
        raise UnreadableDocument("PDF-filen har inget textlager, och textigenkänningen (OCR) hittade ingen text.")
    lost = [count for _, count in read]
    return _Document(title, words, heights, urls, outline, labels, lost, ocr, bool(scanned) and not ready)


def _read_pages(data: bytes, pdf: pdfplumber.PDF) -> tuple[list[tuple[list[dict], int]], list[bool]]:
    """Each page's words and lost glyphs (by pdfium where the page allows, else pdfplumber), and whether it
    holds an image (a scan)."""
    document = pypdfium2.PdfDocument(data)
    try:
        read = []
        open_table = OpenTable()
        for index, page in enumerate(pdf.pages):
            fast = fast_words(document, index)
            if fast is not None:
                open_table.header = None  # a page without shapes has no ruled table to go on
            read.append(cleaned_words(fast) if fast is not None else read_words(page, open_table))
        images = [
            any(obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=4))
            for page in document
        ]
    finally:
        document.close()
    return read, images


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
    title = without_site_name(str(metadata.get("Title") or ""))
    return title if title and not is_producer_artefact(title) else None


def _matches_outline(blocks: list[tuple[Block, Style]], outline: dict[str, int]) -> bool:
    """Whether the outline names the document's headings: at least OUTLINE_MATCH of its entries are blocks'
    texts (LibreOffice Draw writes bookmarks "Page 1", "Page 2", … that name no heading)."""
    if not outline:
        return False
    texts = {_normalised(b.text) for b, _ in blocks}
    return sum(entry in texts for entry in outline) >= OUTLINE_MATCH * len(outline)


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
