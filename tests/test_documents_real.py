"""Real documents nobody here wrote (``../shared/documents/``, see its README): each known problem, asserted.

Titles a person sees, printed page numbers, no running header or table of contents in a passage, chart
numbers left out, digits set in a private-use font read, bullets as items, bold paragraphs as headings,
sibling headings kept siblings, ``<br>`` as a space, a label with its value.
"""

from __future__ import annotations

import pytest
from conftest import SHARED_DOCUMENTS, needs_shared_documents

from assistant.documents.corpus import ParsedDocument, parse_document
from assistant.documents.passages import SECTION_SEPARATOR

pytestmark = needs_shared_documents


class _Parsed(dict[str, ParsedDocument]):
    """Each document parsed when a test first asks for it: a new file in the folder breaks nothing."""

    def __missing__(self, name: str) -> ParsedDocument:
        path = next(p for p in SHARED_DOCUMENTS.iterdir() if p.stem == name)
        self[name] = parse_document(name, path.read_bytes())
        return self[name]


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedDocument]:
    return _Parsed()


def texts(document: ParsedDocument) -> list[str]:
    return [p.text for p in document.passages]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("skl2015_att_ta_plats_i_politiken", "Att ta plats i politiken"),  # not "Innehållsförteckning"
        ("scb2007_avhopp_kvinnor", "Avhopp i politiken vanligare bland kvinnor"),  # not half of it
        ("kultingen_verksamhetsplan", "Verksamhetsplan"),
        (
            "ki_examensarbete_trauma",
            "Möjligheter till förbättring hos vuxna traumapatienter som varit inlagda på "
            "intensivvårdsavdelningen: En register-baserad studie",
        ),  # not the template's placeholder
        ("lnu_slutrapport_foreningsapp", "Beskrivning av slutuppgiften"),  # not the file name
        ("kultingen_forskola", "Förskolan Kultingen"),
        ("olofstrom_klimatplan", "Handlingsplan för klimat och energi"),  # not its template's "Föreskriftens namn"
    ],
)
def test_the_title_a_person_sees(name: str, title: str, parsed: dict[str, ParsedDocument]) -> None:
    assert parsed[name].title == title
    assert parsed[name].passages[-1].citation.startswith(title)


def test_magazine_article_is_cited_by_its_printed_pages(parsed: dict[str, ParsedDocument]) -> None:
    document = parsed["scb2007_avhopp_kvinnor"]
    assert {p.page for p in document.passages} == {20, 21}  # its /PageLabels say 21–22, the PDF index 1–2
    turnout = next(p for p in document.passages if "13 078 personer" in p.text)
    assert turnout.page == 20


def test_digits_in_a_private_use_font_are_read(parsed: dict[str, ParsedDocument]) -> None:
    text = " ".join(texts(parsed["scb2007_avhopp_kvinnor"]))
    assert "hölls den 17 september 2006 resulterade i att 13 078 personer valdes in" in text
    assert not any(0xE000 <= ord(c) <= 0xF8FF for c in text)
    assert parsed["scb2007_avhopp_kvinnor"].notes == []


def test_no_running_footer_inside_a_passage(parsed: dict[str, ParsedDocument]) -> None:
    assert not any("Välfärd Nr 3 2007" in t for t in texts(parsed["scb2007_avhopp_kvinnor"]))


def test_three_columns_are_read_column_by_column(parsed: dict[str, ParsedDocument]) -> None:
    text = " ".join(texts(parsed["scb2007_avhopp_kvinnor"]))
    assert "Samtidigt förtjänar det att nämnas att alla riksdagspartier" in text


def test_table_of_contents_and_chart_numbers_are_left_out(parsed: dict[str, ParsedDocument]) -> None:
    for name in ("skl2015_att_ta_plats_i_politiken", "kultingen_verksamhetsplan"):
        document = parsed[name]
        assert not any("....." in t or "……" in t for t in texts(document))
        assert not any(t.split()[-1:] == ["6"] and t.startswith("Barnsäkerhet") for t in texts(document))
        assert not any(t.replace(" ", "").isdigit() for t in texts(document))
    skl = parsed["skl2015_att_ta_plats_i_politiken"]
    assert not any(t.startswith("Sammanfattning ") and t.endswith("5") for t in texts(skl))
    assert not any(t in ("700", "1991 1995 2000 2005 2010 2014 År") for t in texts(skl))
    assert next(p for p in skl.passages if p.section == "Sammanfattning").page == 5


def test_paragraphs_are_cut_at_their_indents_each_on_its_page(parsed: dict[str, ParsedDocument]) -> None:
    skl = parsed["skl2015_att_ta_plats_i_politiken"]
    lengths = sorted(len(t) for t in texts(skl))
    assert lengths[-1] < 2500  # the summary was one passage of 5,362 characters
    summary = [p for p in skl.passages if p.section == "Sammanfattning"]  # paragraphs cut by first-line indents
    assert len(summary) >= 5 and [p.page for p in summary] == sorted(p.page for p in summary)
    assert summary[0].text.startswith("Under en lång tid") and summary[1].text.startswith("En nyligen genomförd")
    assert {p.page for p in summary} <= {5, 6}


def test_private_use_bullets_are_items(parsed: dict[str, ParsedDocument]) -> None:
    document = parsed["kultingen_verksamhetsplan"]
    item = next(t for t in texts(document) if "känna sig trygg i sig själva" in t)
    assert item.startswith("Att barnen ska känna sig trygg")
    assert not any("ñ" in t or "\uf0f1" in t for t in texts(document))


def test_bold_paragraphs_are_headings_in_word(parsed: dict[str, ParsedDocument]) -> None:
    document = parsed["lnu_slutrapport_foreningsapp"]
    sections = {p.section for p in document.passages}
    top = "Beskrivning av slutuppgiften"
    assert {f"{top}{SECTION_SEPARATOR}Körinstruktioner", f"{top}{SECTION_SEPARATOR}Målgrupp"} <= sections
    assert "Körinstruktioner" not in texts(document)


def test_sibling_headings_of_a_web_page_stay_siblings(parsed: dict[str, ParsedDocument]) -> None:
    sections = {p.section for p in parsed["kultingen_forskola"].passages}
    assert {"Det här är Kultingen", "Så funkar det", "En dag på Kultingen", "Kontakt"} <= sections
    assert not any(SECTION_SEPARATOR in s for s in sections)


def test_line_breaks_are_spaces_and_labels_keep_their_values(parsed: dict[str, ParsedDocument]) -> None:
    document = parsed["simrishamn_investeringar"]
    joined = " ".join(texts(document)) + " ".join(p.section for p in document.passages)
    assert "Budgetskrivelse för investeringar 2027–2031" in joined and "Budgetskrivelseför" not in joined
    assert any(t.startswith("Driftseffekt: +100 tkr/år") for t in texts(document))
    assert "Driftseffekt" not in texts(document) and "+100 tkr/år" not in texts(document)


def test_a_page_n_of_n_footer_gives_the_printed_page(parsed: dict[str, ParsedDocument]) -> None:
    """The interim report prints "3 (26)" 12 % from the foot: read as the page, not left in the text."""
    document = parsed["goteborg_intraservice_delarsrapport"]
    assert not any("(26)" in t for t in texts(document))
    assert next(p for p in document.passages if "har bedrivits enligt plan" in p.text).citation.endswith(", s. 3")
    assert max(p.page or 0 for p in document.passages) == 26


def test_unruled_tables_of_the_climate_plan_are_facts(parsed: dict[str, ParsedDocument]) -> None:
    """25 borderless tables (Förvaltning/Bolag, Ansvarig, Tidsplan): one passage each, its caption first."""
    document = parsed["olofstrom_klimatplan"]
    tables = [t for t in texts(document) if "– Ansvarig: " in t]
    assert len(tables) >= 24
    assert tables[0].startswith(
        "1.1 Tilläggsisolera, byta fönster osv: Kommunledningsförv – Ansvarig: Teknisk chef; Tidsplan: 31 maj 2026."
    )
    assert "Utbildningsförvaltningen – Ansvarig: Genom KLF; Tidsplan: 31 maj 2026." in tables[0]
    assert not any("Förvaltning/Bolag" in t for t in texts(document))  # the header is in every fact, not a heading
    assert not any("Förvaltning/Bolag" in p.section for p in document.passages)


def test_ruled_tables_with_wrapped_labels_and_headers_are_facts(parsed: dict[str, ParsedDocument]) -> None:
    """Lines as filled rectangles, a header over four rows, a row label over two: one fact per row."""
    text = " ".join(texts(parsed["goteborg_intraservice_delarsrapport"]))
    assert (
        "IT-tjänster, IT-program, licenser och hyra leasing IT-utrustning – Utfall perioden jämfört med samma "
        "period föregående år: -2,7 %; Prognos helår jämfört med helår föregående år: 9,9 %." in text
    )
    assert "Antal årsarbetare – Aktuell period (ack sedan årets början): 197,7;" in text
    assert "Antal incidenter lösta inom Service Level Agreement snitt – Utfall perioden 2026: 87,5%;" in text


def test_a_boxed_label_is_the_heading_of_its_value(parsed: dict[str, ParsedDocument]) -> None:
    """The interim report's boxed label → value blocks (p. 5, labels 9 pt bold beside an 11 pt body): the label
    is the value's section, and the sentence is not cut at the box's line end.  Its bookmarks ("Page 1", …)
    name no heading, so the headings are levelled by their fonts."""
    document = parsed["goteborg_intraservice_delarsrapport"]
    value = next(p for p in document.passages if p.text.startswith("Leverantören Miljödata"))
    assert value.text == (
        "Leverantören Miljödata har blivit utsatt för cyberangrepp som medfört att Intraservice behövt stänga ner "
        "IT-systemstöden för rehabilitering och arbetsskador."
    )
    assert value.section.endswith(
        f"2.1.2 Väsentliga avvikelser i verksamhetens utveckling{SECTION_SEPARATOR}Orsak till att avvikelsen uppstått"
    )
    assert "Orsak till att avvikelsen uppstått" not in texts(document)
