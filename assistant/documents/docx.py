"""Read a Word document (.docx, python-docx) into a :class:`~assistant.documents.layout.Layout`.

Heading styles ("Heading 1", Swedish "Rubrik 1", outline levels) become
headings by level, list paragraphs become bullet items, table rows become
paragraphs with their cells joined by " | ", and footnote references become
numbers glued to their word (as a PDF extraction prints them), with the
footnotes read from the footnotes part.  A Word document has no fixed pages, so
its passages carry none.  The archive is checked before it is unpacked: a file
that would unpack to far more than any real document (a zip bomb) is refused.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import docx
from docx.document import Document
from lxml import etree

from assistant.documents.layout import Block, Footnote, Layout, clean_characters
from assistant.errors import UnreadableDocument

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""A real .docx unpacks to a few MB (images included, rarely 100 MB); more than this is refused as a bomb."""
MAX_RATIO = 200
"""XML compresses about 10:1, rarely 50:1; a member packed more tightly than this is a bomb."""
MAX_MEMBERS = 10_000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING_STYLE = re.compile(r"^(?:heading|rubrik|überschrift|titre)\s*(?P<level>\d)$", re.I)
TITLE_STYLES = {"title", "rubrik", "titel"}


def read_docx(data: bytes) -> Layout:
    """The document's blocks, footnotes and title; UnreadableDocument with a Swedish reason."""
    _check_archive(data)
    try:
        document = docx.Document(BytesIO(data))
    except Exception as error:
        raise UnreadableDocument(f"Word-filen är skadad och kan inte läsas ({type(error).__name__}).") from error
    notes_by_id = _footnotes(document)
    styles = {style.style_id: style.name or style.style_id for style in document.styles}
    numbers: dict[str, int] = {}
    blocks: list[Block] = []
    title = (document.core_properties.title or "").strip() or None
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            block, style_title = _paragraph(element, styles, numbers)
            if style_title:
                title = title or style_title
            elif block:
                blocks.append(block)
        elif element.tag == f"{W}tbl":
            blocks.extend(_table(element))
    footnotes = {n: Footnote(n, notes_by_id[i], None) for i, n in numbers.items() if i in notes_by_id}
    return Layout(blocks=blocks, footnotes=footnotes, title=title, styled=True)


def _check_archive(data: bytes) -> None:
    try:
        members = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableDocument("Word-filen är skadad eller ofullständig.") from error
    unpacked = sum(m.file_size for m in members)
    tight = any(m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(1, m.compress_size) for m in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or tight:
        raise UnreadableDocument(
            f"Word-filen packas upp till orimligt mycket data ({unpacked // 1_000_000} MB); den läses inte (zip-bomb?)."
        )


def _footnotes(document: Document) -> dict[str, str]:
    """Footnote id → text, from the document's footnotes part (if it has one)."""
    for relation in document.part.rels.values():
        if relation.reltype.endswith("/footnotes") and not relation.is_external:
            root = etree.fromstring(relation.target_part.blob)
            return {
                note.get(f"{W}id"): _text(note).strip()
                for note in root.iter(f"{W}footnote")
                if note.get(f"{W}type") in (None, "normal")
            }
    return {}


def _text(element: etree._Element, numbers: dict[str, int] | None = None) -> str:
    """The visible text of a paragraph or footnote; footnote references become their numbers."""
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}footnoteReference", f"{W}noBreakHyphen"):
        tag = node.tag.removeprefix(W)
        if tag == "t":
            parts.append(node.text or "")
        elif tag == "noBreakHyphen":
            parts.append("-")
        elif tag == "footnoteReference" and numbers is not None:
            number = numbers.setdefault(node.get(f"{W}id"), len(numbers) + 1)
            parts.append(str(number))
        elif tag in ("tab", "br", "cr"):
            parts.append(" ")
    return re.sub(r"\s+", " ", clean_characters("".join(parts)))


def _paragraph(
    element: etree._Element, styles: dict[str, str], numbers: dict[str, int]
) -> tuple[Block | None, str | None]:
    """A paragraph as a block, or its text as the title (title style); (None, None) when empty."""
    text = _text(element, numbers).strip()
    if not text:
        return None, None
    style_id = element.find(f"{W}pPr/{W}pStyle")
    style = styles.get(style_id.get(f"{W}val"), "") if style_id is not None else ""
    if style.casefold() in TITLE_STYLES:
        return None, text
    heading = HEADING_STYLE.match(style)
    outline = element.find(f"{W}pPr/{W}outlineLvl")
    if heading:
        return Block(text, None, heading=int(heading.group("level"))), None
    if outline is not None and outline.get(f"{W}val", "9").isdigit() and int(outline.get(f"{W}val")) < 9:
        return Block(text, None, heading=int(outline.get(f"{W}val")) + 1), None
    is_list = element.find(f"{W}pPr/{W}numPr") is not None or style.casefold().startswith(("list", "liststycke"))
    return Block(f"• {text}" if is_list and not text.startswith("•") else text, None), None


def _table(element: etree._Element) -> list[Block]:
    """Each table row as one paragraph, its cells joined by " | "."""
    rows = []
    for row in element.iter(f"{W}tr"):
        cells = [_text(cell).strip() for cell in row.iter(f"{W}tc")]
        if any(cells):
            rows.append(Block(" | ".join(c for c in cells if c), None))
    return rows
