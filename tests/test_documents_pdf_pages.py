"""PDF pages made to show one thing each: vector bullets, a page without text, a running header by repetition."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assistant.documents.corpus import parse_document
from assistant.documents.formats import read_layout

ITEMS = ["Engagemang hos politikerna", "Kunskap om jämställdhet", "Integrering i styrningen"]


def _pdf(draw_pages: list) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle("Testdokument om bullets")
    for number, draw in enumerate(draw_pages):
        draw(canvas, number)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _text_page(canvas: Canvas, number: int) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawString(72, 810, "Kommunens plan för jämställdhet")  # running header
    canvas.drawString(290, 30, f"{number + 5}")  # printed page number, from 5
    canvas.setFont("Helvetica", 11)
    y = 760
    for line in range(8):
        canvas.drawString(72, y, f"Rad {line} på sidan {number + 5} handlar om arbetet med jämställdhet i kommunen.")
        y -= 14
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(72, y - 10, "Kategori:")
    canvas.setFont("Helvetica", 11)
    y -= 30
    for item in ITEMS:
        canvas.circle(78, y + 3.5, 1.8, stroke=0, fill=1)  # a bullet drawn as a shape, as Chromium prints them
        canvas.drawString(88, y, item)
        y -= 16
    canvas.drawString(72, y - 10, "Listan ovan gäller hela kommunen.")


def _blank_page(canvas: Canvas, number: int) -> None:
    canvas.rect(100, 100, 300, 400, stroke=1, fill=0)  # a scanned image would be here


def test_vector_bullets_are_list_items() -> None:
    data = _pdf([_text_page, _text_page])
    layout = read_layout(data, "pdf")
    items = [b.text for b in layout.blocks if b.text.startswith("•")]
    assert items == [f"• {item}" for item in ITEMS] * 2
    tips = [p for p in parse_document("plan", data).passages if p.kind == "tip"]
    assert [(t.text, t.category) for t in tips[:3]] == [(item, "Kategori") for item in ITEMS]


def test_running_header_and_printed_numbers_by_repetition() -> None:
    parsed = parse_document("plan", _pdf([_text_page, _text_page, _text_page]))
    assert sorted({p.page for p in parsed.passages}) == [5, 6, 7]
    assert not any("Kommunens plan för jämställdhet" in p.text for p in parsed.passages)


def test_a_page_without_text_is_reported() -> None:
    parsed = parse_document("plan", _pdf([_text_page, _blank_page, _text_page]))
    assert parsed.notes == ["s. 6: sidan har ingen text (troligen en inskannad bild) och kan inte läsas"]
    assert sorted({p.page for p in parsed.passages}) == [5, 7]


ROWS = [("Kommunledningsförv", "Teknisk chef", "31 maj 2026"), ("Kultur- och fritidsförv.", "", "")] * 20


def _table_pages(canvas: Canvas, number: int) -> None:
    """A borderless table (bold header, most cells empty) that starts on the first page and goes on, without
    its header, at the top of the second."""
    canvas.setFont("Helvetica", 8)
    canvas.drawString(72, 810, "Handlingsplan för klimat")  # running header
    canvas.setFont("Helvetica", 11)
    y = 760 if number == 0 else 740  # the body starts below the running header's margin
    rows = ROWS[:30] if number == 0 else ROWS[30:]
    if number == 0:
        canvas.drawString(72, y, "1.1 Tilläggsisolera fastigheterna")
        canvas.drawString(72, y - 13, "Vid större åtgärder byts fönster mot bättre.")
        canvas.setFont("Helvetica-Bold", 11)
        y -= 40
        for x, text in zip((72, 220, 360), ("Förvaltning/Bolag", "Ansvarig", "Tidsplan"), strict=True):
            canvas.drawString(x, y, text)
        canvas.setFont("Helvetica", 11)
    for row in rows:
        y -= 13
        for x, text in zip((72, 220, 360), row, strict=True):
            canvas.drawString(x, y, text)
    if number == 1:
        canvas.drawString(72, y - 40, "Efter tabellen kommer vanlig text om planen.")


def test_an_unruled_table_is_facts_and_keeps_its_header_across_the_page_break() -> None:
    passages = parse_document("plan", _pdf([_table_pages, _table_pages])).passages
    tables = [p for p in passages if "– Ansvarig: " in p.text]
    assert tables[0].text.startswith(
        "1.1 Tilläggsisolera fastigheterna: Kommunledningsförv – Ansvarig: Teknisk chef; Tidsplan: 31 maj 2026."
    )
    assert {p.page for p in tables} == {1, 2} and all(t.text.count("Kommunledningsförv") <= 15 for t in tables)
    fact = "Kommunledningsförv – Ansvarig: Teknisk chef; Tidsplan: 31 maj 2026."
    assert sum(t.text.count(fact) for t in tables) == 20
    assert not any("Förvaltning/Bolag" in p.text or "Kultur- och" in p.text for p in passages)
    assert passages[-1].text == "Efter tabellen kommer vanlig text om planen."


def _ruled_pages(canvas: Canvas, number: int) -> None:
    """A ruled table (lines between every row and column) whose rows run from the first page's foot onto the
    second's top, its header row on the first page only."""
    columns = (72, 260, 400, 520)
    rows = [("Projekt", "Budget 2027", "Budget 2028")] if number == 0 else []
    rows += [(f"Projekt {number * 30 + i}", f"{100 + i} 000", "0") for i in range(30)]
    top = 600 if number == 0 else 780
    canvas.setFont("Helvetica", 10)
    if number == 0:
        canvas.drawString(72, 700, "Investeringarna, rad för rad.")
    y = top
    for row in rows:
        canvas.line(columns[0], y, columns[-1], y)
        for x, text in zip(columns, row, strict=False):
            canvas.drawString(x + 4, y - 13, text)
        y -= 18
    canvas.line(columns[0], y, columns[-1], y)
    for x in columns:
        canvas.line(x, top, x, y)


def test_a_ruled_table_going_on_at_the_next_page_top_keeps_its_header() -> None:
    text = " ".join(p.text for p in parse_document("budget", _pdf([_ruled_pages, _ruled_pages])).passages)
    assert "Projekt 3 – Budget 2027: 103 000; Budget 2028: 0." in text
    assert "Projekt 33 – Budget 2027: 103 000; Budget 2028: 0." in text  # on the second page, header carried
    assert "Projekt 30 – Budget 2027: 100 000; Budget 2028: 0." in text  # its first row is a row, not a header
