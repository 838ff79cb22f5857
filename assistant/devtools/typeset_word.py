"""Typeset a parsed document back into a Word file (python-docx), from :mod:`assistant.devtools.typeset`'s elements.

Heading styles, list bullets for tips, italic quotes, a running header with
page numbers counted from :data:`~assistant.devtools.typeset.FIRST_PAGE_LABEL`,
and real footnotes: python-docx has no footnote API, so the footnotes part and
the references to it are written as WordprocessingML.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt

from assistant.devtools.typeset import FIRST_PAGE_LABEL, MARKER, REPORT_TITLE, SUPERSCRIPTS, elements
from assistant.documents.passages import Passage


def typeset_docx(passages: list[Passage], title: str = REPORT_TITLE) -> bytes:
    """A Word document of the passages (python-docx): heading styles, list bullets, real footnotes."""
    document = docx.Document()
    document.core_properties.title = title
    document.styles["Normal"].font.size = Pt(11)
    document.styles["Normal"].paragraph_format.space_after = Pt(8)
    document.add_heading(title, 0)
    running_header_and_page_numbers(document, title)
    footnotes: list[tuple[int, str]] = []
    for element in elements(passages):
        if element.kind == "heading":
            document.add_heading(element.text, min(element.level, 9))
            continue
        style = "List Bullet" if element.kind == "tip" else None
        paragraph = document.add_paragraph(style=style)
        if element.kind == "quote":
            paragraph.paragraph_format.left_indent = Pt(14)
        pieces = MARKER.split(element.text)
        markers = MARKER.findall(element.text)
        for i, piece in enumerate(pieces):
            run = paragraph.add_run(piece)
            run.italic = element.kind == "quote"
            run.bold = element.kind == "category"
            if i < len(markers):
                number = int("".join(SUPERSCRIPTS[c] for c in markers[i]))
                paragraph._p.append(_footnote_reference(number))
        footnotes.extend(element.footnotes)
    _add_footnotes_part(document, footnotes)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _footnote_reference(number: int) -> BaseOxmlElement:
    return parse_xml(
        f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteReference w:id="{number}"/></w:r>'
    )


def running_header_and_page_numbers(document: Document, title: str, first_page: int = FIRST_PAGE_LABEL) -> None:
    """The title at the top of every page, the page number (counted from ``first_page``) at the bottom."""
    section = document.sections[0]
    section.header.paragraphs[0].text = title
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W}" w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    section._sectPr.append(parse_xml(f'<w:pgNumType xmlns:w="{W}" w:start="{first_page}"/>'))


def _add_footnotes_part(document: Document, footnotes: list[tuple[int, str]]) -> None:
    notes = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="16"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {escape(t)}</w:t>'
        "</w:r></w:p></w:footnote>"
        for n, t in footnotes
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        f"</w:footnote>{notes}</w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        xml.encode(),
        document.part.package,
    )
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
