"""Typeset a parsed document back into real files: PDF (one or two columns), Word and a web page.

The report only exists here as its PDF text extraction, so the tests, the
benchmark and the PDF evaluation make real documents from it: headings by
level, quotes set as ”…” (Roll, Kommun), tip lists under their category line,
footnote markers in superscript with the footnotes at the foot of their page,
a running header and printed page numbers.  The readers must then recover the
same passages from these files as from the text extraction.  The Word file is
made in :mod:`assistant.devtools.typeset_word`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from assistant.documents.passages import SECTION_SEPARATOR, Passage

REPORT_TITLE = "På väg mot jämställda och attraktiva kommuner"
FIRST_PAGE_LABEL = 3
"""Printed number of the first typeset page (as if a cover and a contents page came first),
so that a reader's page labels differ from physical page indexes."""
SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
MARKER = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
URL = re.compile(r"https?://[^\s<]+")


@dataclass(frozen=True)
class Element:
    """One typeset unit: a heading (with level), a paragraph, a quote, a category line or a tip."""

    kind: str
    text: str
    level: int = 0
    footnotes: tuple[tuple[int, str], ...] = ()


def elements(passages: list[Passage]) -> list[Element]:
    """The document's passages as typeset elements, headings and category lines restored."""
    out: list[Element] = []
    path: list[str] = []
    category: str | None = None
    for passage in passages:
        if passage.kind == "footnote":
            continue
        section = passage.section.split(SECTION_SEPARATOR) if passage.section else []
        common = next((i for i, (a, b) in enumerate(zip(path, section, strict=False)) if a != b), None)
        start = min(len(path), len(section)) if common is None else common
        if section != path:
            out.extend(Element("heading", title, level) for level, title in enumerate(section[start:], start + 1))
            path, category = section, None
        if passage.kind == "tip" and passage.category != category:
            category = passage.category
            out.append(Element("category", f"{category}:"))
        notes = tuple((int(n), t) for n, t in passage.footnotes.items())
        if passage.kind == "quote":
            speaker = f" ({passage.speaker})" if passage.speaker else ""
            out.append(Element("quote", f"”{passage.text}”{speaker}", footnotes=notes))
        else:
            out.append(Element(passage.kind, passage.text, footnotes=notes))
    return out


@dataclass(frozen=True)
class Headings:
    """How headings are marked: by font (larger, bold) and/or in the PDF's outline (bookmarks)."""

    styled: bool = True
    outlined: bool = True


def typeset_pdf(
    passages: list[Passage], columns: int = 1, title: str = REPORT_TITLE, headings: Headings = Headings()
) -> bytes:
    """A PDF of the passages (reportlab), ``columns`` 1 or 2, footnotes at the foot of their page."""
    marker_pages: dict[int, int] = {}
    _render_pdf(passages, columns, title, headings, marker_pages)  # first pass: where footnote markers land
    return _render_pdf(passages, columns, title, headings, marker_pages)


def _render_pdf(
    passages: list[Passage], columns: int, title: str, headings: Headings, marker_pages: dict[int, int]
) -> bytes:
    width, height = A4
    margin, gutter, footnote_zone = 56.0, 18.0, 110.0
    body = ParagraphStyle(
        "body",
        fontName="Helvetica",
        fontSize=10,
        leading=13.5,
        spaceAfter=7,
        alignment=TA_JUSTIFY,
        hyphenationLang=hyphenation_points,
        embeddedHyphenation=1,
    )
    styles = {
        "paragraph": body,
        "quote": ParagraphStyle("quote", parent=body, fontName="Helvetica-Oblique", leftIndent=14, rightIndent=14),
        "category": ParagraphStyle("category", parent=body, fontName="Helvetica-Bold", spaceAfter=4),
        "tip": ParagraphStyle("tip", parent=body, leftIndent=16, bulletIndent=4, spaceAfter=4),
        1: ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=16, leading=20, spaceBefore=10),
        2: ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=12.5, leading=16, spaceBefore=6),
    }
    footnote_style = ParagraphStyle("footnote", fontName="Helvetica", fontSize=7.5, leading=9.5)
    notes = {n: t for element in elements(passages) for n, t in element.footnotes}
    buffer = BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4, title=title, author="Rapportassistenten (testsättning)")
    frame_width = (width - 2 * margin - (columns - 1) * gutter) / columns
    frame_height = height - 2 * margin - footnote_zone
    frames = [
        Frame(margin + i * (frame_width + gutter), margin + footnote_zone, frame_width, frame_height)
        for i in range(columns)
    ]

    def record(canvas: Canvas, kind: str, label: str) -> None:
        marker_pages.setdefault(int(label), canvas.getPageNumber())

    heading_elements = [e for e in elements(passages) if e.kind == "heading"]

    def outline(canvas: Canvas, kind: str, label: str) -> None:
        heading = heading_elements[int(label)]
        canvas.bookmarkPage(f"h{label}")
        canvas.addOutlineEntry(heading.text, f"h{label}", level=heading.level - 1)

    def decorate(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.setNamedCB("record", record)
        canvas.setNamedCB("outline", outline)
        page = canvas.getPageNumber()
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", 8)
        canvas.drawString(margin, height - margin + 22, title)
        canvas.line(margin, height - margin + 18, width - margin, height - margin + 18)
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(width / 2, margin - 30, str(page + FIRST_PAGE_LABEL - 1))
        y = margin - 8
        for number in sorted((n for n, p in marker_pages.items() if p == page), reverse=True):
            paragraph = Paragraph(f"{number} {escape(notes[number])}", footnote_style)
            _, h = paragraph.wrap(width - 2 * margin, footnote_zone)
            paragraph.drawOn(canvas, margin, y)
            url = URL.search(notes[number])
            if url:
                canvas.linkURL(url.group(0), (margin, y, width - margin, y + h), relative=0)
            y += h + 1
        if y > margin - 8:
            canvas.line(margin, y + 2, margin + 120, y + 2)
        canvas.restoreState()

    document.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=decorate)])
    story = []
    number = 0
    for element in elements(passages):
        markup = MARKER.sub(lambda m: _pdf_marker(m.group(0)), escape(element.text))
        markup = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', markup)
        if element.kind == "heading":
            if headings.outlined:
                markup = f'<onDraw name="outline" label="{number}"/>{markup}'
            number += 1
            story.append(Paragraph(markup, styles[min(element.level, 2)] if headings.styled else body))
        elif element.kind == "tip":
            story.append(Paragraph(markup, styles["tip"], bulletText="•"))
        else:
            story.append(Paragraph(markup, styles[element.kind]))
    document.build(story)
    return buffer.getvalue()


def hyphenation_points(word: str) -> list[tuple[str, str]]:
    """Where the PDF may break a word at a line end with a hyphen: between two lower-case letters, at least
    four letters from either end, longest head first (reportlab tries them in order).  Not Swedish
    syllables — the reader must join any such break, and keep the document's own hyphens."""
    return [(word[:i], word[i:]) for i in range(len(word) - 4, 3, -1) if word[i - 1].islower() and word[i].islower()]


def _pdf_marker(superscripts: str) -> str:
    number = "".join(SUPERSCRIPTS[c] for c in superscripts)
    return f'<super>{number}</super><onDraw name="record" label="{number}"/>'


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (creating its directory) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def typeset_html(passages: list[Passage], title: str = REPORT_TITLE) -> bytes:
    """A saved web page of the passages, with the site's navigation, scripts and footer around them.

    Footnote markers are left out: a web page links instead.
    """
    body = []
    for element in elements(passages):
        text = escape(MARKER.sub("", element.text))
        if element.kind == "heading":
            body.append(f"<h{element.level + 1}>{text}</h{element.level + 1}>")
        elif element.kind == "tip":
            body.append(f"<ul><li>{text}</li></ul>")
        elif element.kind == "quote":
            body.append(f"<blockquote><p>{text}</p></blockquote>")
        else:
            body.append(f"<p>{text}</p>")
    page = (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{escape(title)} | Norrbottens Kommuner'
        "</title><style>p { color: red }</style><script>document.write('Skript som inte ska läsas')</script></head>"
        '<body><nav><a href="/">Start</a> <a href="/om">Om oss</a></nav><header>Norrbottens Kommuner</header>'
        f"<main><h1>{escape(title)}</h1>{''.join(body)}</main>"
        "<footer>Kontakt: info@example.se</footer><script>alert('inte heller detta')</script></body></html>"
    )
    return page.encode()
