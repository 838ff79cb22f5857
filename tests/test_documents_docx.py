"""A Word document of the report gives the passages of its text extraction; Word's own structures are read."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx

from assistant.devtools.typeset import REPORT_TITLE
from assistant.documents.corpus import parse_document
from assistant.documents.passages import Passage


def test_docx_gives_the_same_passages_as_the_text_extraction(
    typeset: dict[str, Path], report_passages: list[Passage]
) -> None:
    parsed = parse_document("rapport", typeset["docx"].read_bytes())
    assert (parsed.format, parsed.title, parsed.pages) == ("docx", REPORT_TITLE, 0)
    expected = [
        (p.id, p.kind, p.section, p.text, p.role, p.municipality, p.category, p.footnotes) for p in report_passages
    ]
    got = [(p.id, p.kind, p.section, p.text, p.role, p.municipality, p.category, p.footnotes) for p in parsed.passages]
    assert got == expected
    assert all(p.page is None for p in parsed.passages)
    assert parsed.passages[0].citation == f"{REPORT_TITLE}, Inledning, Förvaltningsföreträdare, Haparanda"


def test_swedish_heading_styles_lists_and_tables() -> None:
    """A table's row names its header cells: it is a passage of its own, read without the table around it."""
    document = docx.Document()
    document.add_heading("Riktlinjer", 1)
    document.add_paragraph("Inledande text om arbetet.")
    document.add_heading("Uppföljning", 2)
    document.add_paragraph("Följ upp varje år", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Nämnd", "Ansvar"), ("Barn- och utbildning", "Förskolan")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    buffer = BytesIO()
    document.save(buffer)
    parsed = parse_document("riktlinjer", buffer.getvalue())
    assert parsed.title == "Riktlinjer"
    assert [(p.section, p.text) for p in parsed.passages] == [
        ("Riktlinjer", "Inledande text om arbetet."),
        ("Riktlinjer › Uppföljning", "Följ upp varje år"),
        ("Riktlinjer › Uppföljning", "Barn- och utbildning – Ansvar: Förskolan."),
    ]
