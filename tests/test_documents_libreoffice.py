"""A Word document printed to PDF by LibreOffice: running header, page numbers from 2 in the footer, a ruled table.

The page a person sees is the printed number (2, 3, …), not the PDF's page index; the header is not text;
the table's rows read as sentences that name their header cells.
"""

from __future__ import annotations

import subprocess
from io import BytesIO

import docx
import pytest
from conftest import LIBREOFFICE, needs_libreoffice

from assistant.devtools.typeset_word import running_header_and_page_numbers
from assistant.documents.corpus import ParsedDocument, parse_document

pytestmark = [needs_libreoffice, pytest.mark.slow]  # LibreOffice starts: seconds
HEADER = "Kultur- och fritidsnämndens investeringsbudget"
TABLE = [
    ["Projekt", "Budget 2027", "Budget 2028"],
    ["Nya lokaler Tobisviksbadet", "22 000", "0"],
    ["Tillgängligt museum", "250", "100"],
]
SENTENCE = (
    "Nämnden har prioriterat investeringar i anläggningar som barn och unga använder varje vecka, "
    "och varje projekt beskrivs med sin budget och sin driftseffekt."
)


def _document() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Budgetskrivelse för investeringar"
    running_header_and_page_numbers(document, HEADER, first_page=2)
    for chapter in range(1, 4):
        document.add_heading(f"Kapitel {chapter}", 1)
        for number in range(12):
            document.add_paragraph(f"Stycke {chapter}.{number}. {SENTENCE}")
        if chapter == 2:
            table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            table.style = "Table Grid"
            for row, values in zip(table.rows, TABLE, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> ParsedDocument:
    root = tmp_path_factory.mktemp("lo-budget")
    source = root / "budget.docx"
    source.write_bytes(_document())
    subprocess.run(
        [
            str(LIBREOFFICE),
            f"-env:UserInstallation=file://{root / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return parse_document("budget", (root / "budget.pdf").read_bytes())


def test_pages_are_the_printed_numbers_from_two(printed: ParsedDocument) -> None:
    pages = [p.page for p in printed.passages]
    assert printed.pages >= 3
    assert pages[0] == 2 and pages == sorted(pages) and pages[-1] == printed.pages + 1


def test_running_header_is_not_text(printed: ParsedDocument) -> None:
    assert not any(HEADER in p.text for p in printed.passages)
    assert not any(p.text.strip().isdigit() for p in printed.passages)


def test_a_table_is_one_passage_of_rows_naming_their_header_cells(printed: ParsedDocument) -> None:
    table = next(p for p in printed.passages if "Nya lokaler Tobisviksbadet" in p.text)
    assert "Nya lokaler Tobisviksbadet – Budget 2027: 22 000; Budget 2028: 0." in table.text
    assert "Tillgängligt museum – Budget 2027: 250; Budget 2028: 100." in table.text
    assert table.section == "Kapitel 2"


def test_title_from_the_metadata(printed: ParsedDocument) -> None:
    assert printed.title == "Budgetskrivelse för investeringar"
