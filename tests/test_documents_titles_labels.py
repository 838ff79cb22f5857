"""A title a person would call the title; the printed page number from headers and footers."""

from __future__ import annotations

import pytest

from assistant.documents.html import read_html
from assistant.documents.layout import Block
from assistant.documents.pdf_blocks import join_heading_lines
from assistant.documents.pdf_labels import printed_labels
from assistant.documents.pdf_pages import PAGE_NUMBER, ROMAN_PAGE_NUMBER
from assistant.documents.pdf_structure import is_chart_text, is_contents_page, page_ranges, split_long
from assistant.documents.tables import row_sentences
from assistant.documents.titles import choose_title


@pytest.mark.parametrize(
    "artefact",
    [
        "Microsoft Word - valdel_valdist_090212.doc",
        "välfärd_ofärd.1.1",
        "Titel på uppsatsen placeras här",
        "Innehållsförteckning",
        "Dokument1",
        "Word Document",
        "rapport.pdf",
    ],
)
def test_producer_artefacts_are_not_titles(artefact: str) -> None:
    assert choose_title([artefact, "Valdeltagande på valdistriktsnivå"], "fil") == "Valdeltagande på valdistriktsnivå"


@pytest.mark.parametrize(
    ("page_title", "title"),
    [
        ("Rapport  |  Norrbottens Kommuner", "Rapport"),
        ("Norrbottens Kommuner | Nyheter | Rapport", "Norrbottens Kommuner | Nyheter"),
        ("Plan 2020 - 2023", "Plan 2020 - 2023"),
        ("Rapport – del 2", "Rapport – del 2"),
    ],
)
def test_a_site_name_after_a_bar_leaves_the_title(page_title: str, title: str) -> None:
    assert choose_title([page_title], "fil") == title
    page = f"<html><head><title>{page_title}</title></head><body><p>Text om jämställdhet.</p></body></html>"
    assert read_html(page.encode()).title == title


def test_the_file_name_when_nothing_else_is_a_title() -> None:
    assert choose_title([None, "Innehåll", ""], "valdel_2009") == "valdel_2009"
    assert choose_title(["Rapport om skolan | Kommunen"], "x") == "Rapport om skolan"


@pytest.mark.parametrize(
    "row", ["4", "– 4 –", "- 4 -", "Sida 4 av 25", "SID 4 (25)", "4 (25)", "4/25", "s. 4", "Page 4 of 25"]
)
def test_a_page_number_alone_in_every_common_form(row: str) -> None:
    match = PAGE_NUMBER.match(row)
    assert match and match.group("n") == "4"


def test_roman_front_matter_numbers_and_what_is_not_a_page_number() -> None:
    assert all(ROMAN_PAGE_NUMBER.match(r) for r in ("i", "iii", "xiv"))
    assert not any(PAGE_NUMBER.match(r) or ROMAN_PAGE_NUMBER.match(r) for r in ("Tabell 4", "2026-03-31", "Vi", "4 %"))


def test_a_title_over_two_lines_loses_its_line_break_hyphen() -> None:
    style = (24.0, True)
    lines = [(Block("Det svenska valdelta-", 1, 0), style), (Block("gandet", 1, 0), style)]
    assert [b.text for b, _ in join_heading_lines(lines)] == ["Det svenska valdeltagandet"]


def test_printed_numbers_by_offset_then_page_labels_then_index() -> None:
    # "2 Statistiska centralbyrån" on the third page onwards: the cover and the inner title page have none
    footers = [[], [], [2], [3], [4], [5]]
    assert printed_labels(footers, [None] * 6, None) == [None, 1, 2, 3, 4, 5]
    # "SID 3 (25)": the numbers at the row's start or end are what the caller passes
    assert printed_labels([[1], [2], [3]], [None] * 3, [7, 8, 9]) == [1, 2, 3]
    assert printed_labels([[], [], []], [None] * 3, [7, 8, 9]) == [7, 8, 9]
    assert printed_labels([[], [], []], [None] * 3, None) == [1, 2, 3]
    # a magazine spread printed 20–21, its number on the second page only; /PageLabels say 21–22
    assert printed_labels([[], [21]], [None, None], [21, 22]) == [20, 21]


def test_contents_pages_and_chart_text() -> None:
    contents = ["Innehållsförteckning", "Sammanfattning ........ 5", "Introduktion ........ 7", "Metod ........ 8"]
    assert is_contents_page(contents, after_contents=False)
    assert is_contents_page(["Förskolechefens ansvar 20"], after_contents=True)
    assert not is_contents_page(["Resultaten visar att 20 kommuner deltog.", "Det var 2014."], after_contents=False)
    assert is_chart_text("Procent 100") and is_chart_text("0 1970 1976 1982 1988 1994 2002")
    assert not is_chart_text("Stockholm april 2015") and not is_chart_text("Nya lokaler Tobisviksbadet 22 000")


def test_long_paragraphs_are_cut_at_sentence_ends_with_their_pages() -> None:
    lines = [
        (f"Mening nummer {i} om kommunens arbete med jämställdhet{'.' if i % 3 == 2 else ''}", 10 + i // 20)
        for i in range(60)
    ]
    parts = split_long(lines)
    assert len(parts) >= 2 and sum(len(p) for p in parts) == 60
    assert all(p[-1][0].endswith(".") for p in parts[:-1])
    assert [p[0][1] for p in parts] == sorted(p[0][1] for p in parts)
    assert split_long(lines[:5]) == [lines[:5]]


def test_an_untidy_ruled_grid_is_tidied() -> None:
    """As pdfplumber reads a table drawn with filled rectangles: a header over three rows, a value over two
    cells, a label over two rows, empty strips between the cells."""
    grid = [
        ["Mått", None, "", "Utfall", "", "Prognos", None],
        [None, None, None, "perioden", None, "helår", None],
        ["", "Antal incidenter lösta inom", "", "87,5%", "87,5%", "85 %", ""],
        [None, "Service Level Agreement", None, None, None, None, None],
        ["", "Major incidents", "", "7", "", "-", ""],
    ]
    assert row_sentences(grid, wrapped=True) == [
        "Antal incidenter lösta inom Service Level Agreement – Utfall perioden: 87,5%; Prognos helår: 85 %.",
        "Major incidents – Utfall perioden: 7; Prognos helår: -.",
    ]


def test_a_unit_in_a_header_cell_or_the_caption_goes_with_each_figure() -> None:
    header = ["Projekt", "Budget 2027 (tkr)", "Kommentar"]
    assert row_sentences([header, ["Nya lokaler", "22 000", "Klar 2027"]]) == [
        "Nya lokaler – Budget 2027 (tkr): 22 000 tkr; Kommentar: Klar 2027."
    ]
    assert row_sentences([["Projekt", "2027"], ["Museum", "250"]], caption="Investeringar i tkr") == [
        "Investeringar i tkr: Museum – 2027: 250 tkr."
    ]
    assert row_sentences([["Mått", "Utfall"], ["Kostnader", "-2,7 %"]]) == ["Kostnader – Utfall: -2,7 %."]


def test_table_rows_name_their_header_cells() -> None:
    facts = row_sentences([["Projekt", "2027", "2028"], ["Nya lokaler", "22 000", ""]], caption="Investeringar")
    assert facts == ["Investeringar: Nya lokaler – 2027: 22 000."]
    assert row_sentences([["Ett långt stycke text i en cell utan rubrikrad."], ["Mer"]]) == [
        "Ett långt stycke text i en cell utan rubrikrad.",
        "Mer",
    ]
    assert page_ranges([21, 20, 7]) == "s. 7, 20–21"
