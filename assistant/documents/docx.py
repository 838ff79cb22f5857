"""Read a Word document (.docx, python-docx) into a :class:`~assistant.documents.layout.Layout`.

Heading styles ("Heading 1", Swedish "Rubrik 1", outline levels) become
headings by level, list paragraphs become bullet items, table rows become
paragraphs that name their header cells ("Projekt X: Budget 2027 400"), and footnote references become
numbers glued to their word (as a PDF extraction prints them), with the
footnotes read from the footnotes part.  A Word document has no fixed pages, so
its passages carry none.  The archive is checked before it is unpacked: a file
that would unpack to far more than any real document (a zip bomb) is refused.

A document written without heading styles (every paragraph "Normal" or
"Body") marks its headings by look: short bold or larger paragraphs without a
sentence end are taken for headings, levelled by the document's own ranking of
their sizes (larger first, bold before regular).  The cover title is the
paragraph set largest before the first heading, with a following bold line that
continues it (starts in lower case).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

import docx
from docx.document import Document
from lxml import etree

from assistant.documents.layout import Block, Footnote, Layout, clean_characters
from assistant.documents.tables import row_sentences
from assistant.errors import UnreadableDocument

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""A real .docx unpacks to a few MB (images included, rarely 100 MB); more than this is refused as a bomb."""
MAX_RATIO = 200
"""XML compresses about 10:1, rarely 50:1; a member packed more tightly than this is a bomb."""
MAX_MEMBERS = 10_000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING_STYLE = re.compile(r"^(?:heading|rubrik|überschrift|titre)\s*(?P<level>\d)$", re.I)
TITLE_STYLES = {"title", "rubrik", "titel"}
STYLED_HEADING_MAX_CHARS = 100
"""A paragraph used as a heading is a line or two; a longer bold paragraph is emphasised text."""
LARGER = 1.15
"""Text this much larger than the body (11 → 12.65 pt) is set as a heading, not as body text."""
SENTENCE_END = (".", "!", "?", ";", ",")


@dataclass(frozen=True)
class _Look:
    """How a paragraph is set: its largest run size (points; None when inherited) and whether it is all bold."""

    size: float | None
    bold: bool


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
    looks: list[_Look | None] = []
    title = (document.core_properties.title or "").strip() or None
    style_title: str | None = None
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            block, titled = _paragraph(element, styles, numbers)
            if titled:
                style_title = style_title or titled
            elif block:
                blocks.append(block)
                looks.append(_look(element))
        elif element.tag == f"{W}tbl":
            rows = _table(element)
            blocks.extend(rows)
            looks.extend([None] * len(rows))
    if not any(b.heading for b in blocks):
        blocks = _headings_by_look(blocks, looks)
    footnotes = {n: Footnote(n, notes_by_id[i], None) for i, n in numbers.items() if i in notes_by_id}
    return Layout(
        blocks=blocks,
        footnotes=footnotes,
        title=title or style_title,
        styled=True,
        cover_title=style_title or _cover_title(blocks, looks),
    )


def _look(paragraph: etree._Element) -> _Look:
    """The paragraph's largest explicit run size and whether all its text is bold (run or paragraph mark)."""
    sizes, bold_chars, chars = [], 0, 0
    for run in paragraph.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if not text.strip():
            continue
        size = run.find(f"{W}rPr/{W}sz")
        if size is not None and (size.get(f"{W}val") or "").isdigit():
            sizes.append(int(size.get(f"{W}val")) / 2)
        bold = run.find(f"{W}rPr/{W}b")
        chars += len(text)
        if bold is not None and bold.get(f"{W}val", "true") not in ("0", "false"):
            bold_chars += len(text)
    return _Look(max(sizes) if sizes else None, chars > 0 and bold_chars == chars)


def _body_size(blocks: list[Block], looks: list[_Look | None]) -> float | None:
    sizes: Counter[float] = Counter()
    for block, look in zip(blocks, looks, strict=True):
        if look is not None and look.size is not None:
            sizes[look.size] += len(block.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _headings_by_look(blocks: list[Block], looks: list[_Look | None]) -> list[Block]:
    """Short bold or larger paragraphs as headings, levelled by size then weight (no heading styles used)."""
    body = _body_size(blocks, looks)

    def style(block: Block, look: _Look | None) -> tuple[float, bool] | None:
        if look is None or block.text.startswith("•") or len(block.text) > STYLED_HEADING_MAX_CHARS:
            return None
        if block.text.endswith(SENTENCE_END) or (not block.text[:1].isupper() and not block.text[:1].isdigit()):
            return None
        larger = look.size is not None and body is not None and look.size >= body * LARGER
        return (look.size or body or 0.0, look.bold) if look.bold or larger else None

    styles = [style(b, look) for b, look in zip(blocks, looks, strict=True)]
    ranked = sorted({s for s in styles if s}, key=lambda s: (-s[0], not s[1]))
    level = {s: i + 1 for i, s in enumerate(ranked)}
    return [Block(b.text, b.page, level[s]) if s else b for b, s in zip(blocks, styles, strict=True)]


def _cover_title(blocks: list[Block], looks: list[_Look | None]) -> str | None:
    """The paragraph set largest (else the first bold one) before the first heading, with bold lines continuing it."""
    body = _body_size(blocks, looks)
    first_heading = next((i for i, b in enumerate(blocks) if b.heading), len(blocks))
    sized = [(look.size, i) for i, look in enumerate(looks[:first_heading]) if look and look.size]
    largest = max(sized, key=lambda s: (s[0], -s[1]), default=None)
    if largest is not None and body is not None and largest[0] >= body * LARGER:
        start = largest[1]
    else:  # nothing set larger: the first bold line before the first heading
        bold = (i for i, look in enumerate(looks[:first_heading]) if look and look.bold)
        start = next(bold, -1)
        if start < 0 or len(blocks[start].text) > STYLED_HEADING_MAX_CHARS or blocks[start].text.endswith(SENTENCE_END):
            return None
    title = blocks[start].text
    following = start + 1
    while following < first_heading and (look := looks[following]) and look.bold:
        text = blocks[following].text
        if not text[:1].islower() or len(title) + len(text) > STYLED_HEADING_MAX_CHARS * 2:
            break
        title, following = f"{title} {text}", following + 1
    return title


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
    """Each table row as one paragraph: its values labelled by the header row (:func:`row_sentences`)."""
    rows = [[_text(cell).strip() for cell in row.iter(f"{W}tc")] for row in element.iter(f"{W}tr")]
    return [Block(text, None) for text in row_sentences(rows)]
