"""PDFs of the report (reportlab in one and two columns, LibreOffice) give the passages of its text extraction."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest
from conftest import needs_libreoffice

from assistant.devtools.typeset import FIRST_PAGE_LABEL, REPORT_TITLE
from assistant.documents.corpus import ParsedDocument, parse_document
from assistant.documents.passages import Passage

PDFS = ("pdf", "pdf2", "outline", pytest.param("libreoffice", marks=[needs_libreoffice, pytest.mark.slow]))
"""The typeset PDFs; LibreOffice's is slow (LibreOffice starts) and skipped, with the install command, where
LibreOffice is missing."""


class Parsed(dict[str, ParsedDocument]):
    """Each typeset PDF parsed the first time a test asks for it (so the fast tier never makes LibreOffice's)."""

    def __init__(self, typeset: dict[str, Path]) -> None:
        super().__init__()
        self.typeset = typeset

    def __missing__(self, name: str) -> ParsedDocument:
        self[name] = parse_document("rapport", self.typeset[name].read_bytes())
        return self[name]


@pytest.fixture(scope="module")
def parsed(typeset: dict[str, Path]) -> Parsed:
    return Parsed(typeset)


def content(passages: list[Passage]) -> list[tuple]:
    return [(p.id, p.kind, p.section, p.text, p.role, p.municipality, p.category, p.footnotes) for p in passages]


@pytest.mark.parametrize("name", PDFS)
def test_pdf_gives_the_same_passages_as_the_text_extraction(
    name: str, parsed: dict[str, ParsedDocument], report_passages: list[Passage]
) -> None:
    assert parsed[name].format == "pdf"
    assert content(parsed[name].passages) == content(report_passages)


@pytest.mark.parametrize("name", PDFS)
def test_pages_are_the_printed_page_numbers(name: str, parsed: dict[str, ParsedDocument]) -> None:
    document = parsed[name]
    pages = [p.page for p in document.passages if p.kind != "footnote"]
    assert pages[0] == FIRST_PAGE_LABEL
    assert pages == sorted(pages)
    assert pages[-1] == FIRST_PAGE_LABEL + document.pages - 1
    notes = {p.text: p.page for p in document.passages if p.kind == "footnote"}
    for passage in document.passages:
        for text in passage.footnotes.values():
            assert passage.page <= notes[text] <= passage.page + 1


@pytest.mark.parametrize("name", PDFS)
def test_title_from_metadata_goes_into_the_citation(name: str, parsed: dict[str, ParsedDocument]) -> None:
    assert parsed[name].title == REPORT_TITLE
    quote = next(p for p in parsed[name].passages if p.text.startswith("Ska man se krasst"))
    assert quote.citation == f"{REPORT_TITLE}, Inledning, s. {FIRST_PAGE_LABEL}, Förvaltningsföreträdare, Haparanda"
    assert quote.to_dict()["document"] == "rapport" and quote.to_dict()["title"] == REPORT_TITLE


def test_two_columns_read_column_by_column(parsed: dict[str, ParsedDocument]) -> None:
    passages = parsed["pdf2"].passages
    paragraph = next(p for p in passages if p.text.startswith("Citatet visar vikten av medarbetarinvolvering"))
    assert "I den femte kommunen – Haparanda – har pilotverksamheter drivits inom HR-enheten" in paragraph.text


@pytest.mark.parametrize("name", PDFS)
def test_running_header_and_page_numbers_are_not_text(name: str, parsed: dict[str, ParsedDocument]) -> None:
    texts = [p.text for p in parsed[name].passages]
    assert not any(text.startswith(REPORT_TITLE) for text in texts)
    assert not any(text.isdigit() for text in texts)


@pytest.mark.parametrize("name", ("pdf", "pdf2"))
def test_the_pdfs_hyphenate_at_line_ends_and_the_reader_joins(
    name: str, typeset: dict[str, Path], parsed: dict[str, ParsedDocument]
) -> None:
    # pdfium's plain text marks a hyphen that breaks a word at a line end as U+FFFE (pdfplumber's raw text,
    # "word-\npart", counts about the same, at fifty times the cost)
    pdf = pypdfium2.PdfDocument(typeset[name])
    raw = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert len(re.findall("[a-zåäö]\ufffe[a-zåäö]", raw)) >= 50
    text = " ".join(p.text for p in parsed[name].passages)
    assert "chefs- och medarbetarmöten" in text and "2018-2021" in text
