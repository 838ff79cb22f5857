"""The report as passages: facts checked by reading the report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.documents.corpus import corpus_fingerprint, load_corpus, parse_document
from assistant.documents.layout import clean_characters, join_lines
from assistant.documents.passages import KIND_LABELS, KINDS, Passage
from assistant.errors import CorpusError

REPORT = Path(__file__).resolve().parent.parent / "corpus" / "rapport.txt"


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    return parse_document("rapport", REPORT.read_bytes()).passages


def find(passages: list[Passage], kind: str, start: str) -> Passage:
    hits = [p for p in passages if p.kind == kind and p.text.startswith(start)]
    assert len(hits) == 1, f"expected one {kind} starting {start!r}, got {len(hits)}"
    return hits[0]


def test_counts_match_the_report(passages: list[Passage]) -> None:
    counts = Counter(p.kind for p in passages)
    assert counts == {"paragraph": 29, "quote": 18, "tip": 12, "footnote": 6}


def test_every_quote_has_its_speaker(passages: list[Passage]) -> None:
    quotes = [p for p in passages if p.kind == "quote"]
    assert all(q.role and q.municipality for q in quotes)
    by_town = Counter(q.municipality for q in quotes)
    assert by_town == {"Övertorneå": 5, "Haparanda": 4, "Kalix": 4, "Gällivare": 3, "Jokkmokk": 2}
    by_role = Counter(q.role for q in quotes)
    assert by_role == {"Politiker": 6, "Förvaltningsföreträdare": 5, "Verksamhetsföreträdare": 7}


@pytest.mark.parametrize(
    ("start", "role", "town", "section", "page"),
    [
        ("Ska man se krasst", "Förvaltningsföreträdare", "Haparanda", "Inledning", 1),
        (
            "Jag tror att det är jätteviktigt",
            "Politiker",
            "Övertorneå",
            "Röster på tre nivåer › Röster från politiken",
            2,
        ),
        (
            "I vår iver att göra mycket",
            "Förvaltningsföreträdare",
            "Kalix",
            "Röster om olika teman › Framgångar och fallgropar",
            7,
        ),
        (
            "Det är viktigt att ha (…) en grupp",
            "Verksamhetsföreträdare",
            "Övertorneå",
            "Röster på tre nivåer › Röster från pilotverksamheterna",
            5,
        ),
        ("Man måste våga hålla i", "Politiker", "Kalix", "Röster om olika teman › Hålla i och hålla ut", 8),
    ],
)
def test_specific_quotes(passages: list[Passage], start: str, role: str, town: str, section: str, page: int) -> None:
    quote = find(passages, "quote", start)
    assert (quote.role, quote.municipality, quote.section, quote.page) == (role, town, section, page)
    assert "”" not in quote.text and "(" + role not in quote.text
    assert quote.citation == f"rapport, {section}, s. {page}, {role}, {town}"


def test_quote_text_is_whole_and_clean(passages: list[Passage]) -> None:
    quote = find(passages, "quote", "Ska man se krasst")
    assert quote.text == (
        "Ska man se krasst på vår kommuns absoluta framtidsutmaning så handlar det om jämställdheten."
    )


TIPS = {
    "Engagemang": [
        "Utgå från kommunens egna förutsättningar och nuläge",
        "Involvera hela styrkedjan med politik, förvaltning och verksamhet",
        "Utgå från de som vill och låt det sprida sig organiskt utifrån deras engagemang",
        "Arbeta inte ensam, utan forma en grupp som driver och stöttar jämställdhetsarbetet",
    ],
    "Kunskap": [
        "Behandla jämställdhet som en kunskapsfråga, inte en åsiktsfråga",
        "Avsätt tid för gemensam reflektion, som är centralt för utveckling",
        "Involvera externa experter som bollplank till chefer och medarbetare",
        "Säkerställ rutiner och stöd för uppföljning av jämställdhetsarbetet",
    ],
    "Integrering": [
        "Integrera jämställdhet i kommunens ordinarie verksamhetsstyrning",
        "Koppla jämställdhet till kommunens systematiska kvalitetsarbete",
        "Koppla jämställdhet till andra pågående utvecklingsarbeten, såsom folkhälsoarbetet",
        "Säkerställ att jämställdhet alltid tas upp vid ordinarie chefs- och medarbetarmöten",
    ],
}


def test_every_tip_with_its_category(passages: list[Passage]) -> None:
    tips = [p for p in passages if p.kind == "tip"]
    found = {category: [t.text for t in tips if t.category == category] for category in TIPS}
    assert found == TIPS
    assert {t.section for t in tips} == {"Tips för att lyckas"}
    assert [t.page for t in tips] == [9] * 8 + [10] * 4


def test_paragraph_spliced_across_page_break_and_footnotes(passages: list[Passage]) -> None:
    paragraph = find(passages, "paragraph", "I denna rapport presenteras resultaten")
    assert "kommunerna. Detta följs av några konkreta tips" in paragraph.text
    assert "http" not in paragraph.text and paragraph.page == 1
    haparanda = find(passages, "paragraph", "Citatet visar vikten av medarbetarinvolvering")
    assert "I den femte kommunen – Haparanda – har pilotverksamheter" in haparanda.text


def test_quote_ending_a_page_is_not_merged_with_the_next_page(passages: list[Passage]) -> None:
    quote = find(passages, "quote", "Vi har försökt släppa tankesättet")
    assert quote.text.endswith("det är en kärnverksamhetsfråga.")
    comment = find(passages, "paragraph", "Som citatet visar ses integrering")
    assert comment.page == 4


def test_footnotes_are_separated_and_referenced(passages: list[Passage]) -> None:
    intro = find(passages, "paragraph", "Citatet ovan illustrerar")
    assert "i livet¹ –" in intro.text and "CEMR-deklarationen.²" in intro.text
    assert "2018-2021.³" in intro.text
    assert intro.footnotes["1"] == "https://www.jamstalldhetsmyndigheten.se/om-jamstalldhet/vad-ar-jamstalldhet"
    assert intro.footnotes["3"].endswith(
        "haallbar-utveckling-och-samhaellsbyggnad/jaemstaelldhet/utvecklingsarbete-2018-2021/"
    )
    assert intro.footnotes["2"].startswith("CEMR (2009). Den europeiska deklarationen")
    notes = [p for p in passages if p.kind == "footnote"]
    assert [n.page for n in notes] == [1, 1, 1, 5, 5, 10]
    assert not any("https://" in p.text for p in passages if p.section != "Mer info" and p.kind != "footnote")


def test_link_lines_are_dropped_and_split_urls_joined(passages: list[Passage]) -> None:
    links = [p.text for p in passages if p.section == "Mer info"]
    assert links == [
        "Här finns mer information om kommunalt jämställdhetsarbete:",
        "Jämställda kommuner i norr – https://www.norrbottenskommuner.se/jaemstaellda-kommuner-i-norr/",
        "Jämställdhet i Sveriges Kommuner och Regioner – "
        "https://skr.se/skr/demokratiledningstyrning/manskligarattigheterjamlikhet/jamstalldhet",
        "Jämställdhetsmyndigheten – https://www.jamstalldhetsmyndigheten.se/",
    ]


def test_hyphenation_joined_but_suspended_compounds_kept(passages: list[Passage]) -> None:
    text = " ".join(p.text for p in passages)
    for joined in ("organisationer", "Haparanda", "medarbetarmöten", "folkhälsoarbetet", "utvecklingsarbete"):
        assert joined in text
    for kept in ("chefs- och medarbetarmöten", "studie- och yrkesval", "HR-enheten", "CEMR-deklarationen"):
        assert kept in text
    for broken in ("Hapa- randa", "organisat- ioner", "medarbe- tarmöten", "chefsoch"):
        assert broken not in text


def test_join_lines_rules() -> None:
    assert join_lines(["Hapa-", "randa"], set()) == "Haparanda"
    assert join_lines(["chefs-", "och medarbetarmöten"], set()) == "chefs- och medarbetarmöten"
    assert join_lines(["CEMR-", "deklarationen"], set()) == "CEMR-deklarationen"
    url = "https://example.se/a-b/c"
    assert join_lines(["se https://example.se/a-", "b/c här"], {url}) == f"se {url} här"


def test_stray_combining_marks_removed_and_nfc(passages: list[Passage]) -> None:
    assert clean_characters("Övertorneå\u030a") == "Övertorneå"
    assert clean_characters("a\u0308") == "ä"
    assert not any("\u030a" in p.text or "\u030a" in (p.municipality or "") for p in passages)


def test_sections_have_parents(passages: list[Passage]) -> None:
    sections = list(dict.fromkeys(p.section for p in passages))
    assert sections == [
        "Inledning",
        "Röster på tre nivåer",
        "Röster på tre nivåer › Röster från politiken",
        "Röster på tre nivåer › Röster från förvaltningen",
        "Röster på tre nivåer › Röster från pilotverksamheterna",
        "Röster om olika teman",
        "Röster om olika teman › Från ord till handling",
        "Röster om olika teman › Stöd och kunskap",
        "Röster om olika teman › Framgångar och fallgropar",
        "Röster om olika teman › Hålla i och hålla ut",
        "Tips för att lyckas",
        "Avslutande reflektioner",
        "Mer info",
    ]


def test_ids_are_stable_and_unique(passages: list[Passage]) -> None:
    again = parse_document("rapport", REPORT.read_bytes()).passages
    assert [p.id for p in again] == [p.id for p in passages]
    assert len({p.id for p in passages}) == len(passages)


def test_passage_round_trips_through_dict(passages: list[Passage]) -> None:
    for passage in passages:
        assert Passage.from_dict(passage.to_dict()) == passage


def test_markdown_document_becomes_paragraphs_under_headings(tmp_path: Path) -> None:
    (tmp_path / "rapport.txt").write_bytes(REPORT.read_bytes())
    (tmp_path / "README.md").write_text("# Om korpusen\n\nIngen passage.\n", encoding="utf-8")
    (tmp_path / "riktlinjer.md").write_text(
        "# Riktlinjer\n\nInledande text om arbetet.\n\n## Uppföljning\n\nFölj upp varje år.\n"
        "Rapportera till nämnden.\n",
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    assert corpus.documents == ["rapport.txt", "riktlinjer.md"]
    extra = [p for p in corpus.passages if p.document == "riktlinjer"]
    assert [(p.kind, p.section, p.text) for p in extra] == [
        ("paragraph", "Riktlinjer", "Inledande text om arbetet."),
        ("paragraph", "Riktlinjer › Uppföljning", "Följ upp varje år. Rapportera till nämnden."),
    ]
    assert extra[1].citation == "Riktlinjer, Riktlinjer › Uppföljning"


def test_bad_documents_are_reported_by_name_and_others_still_load(tmp_path: Path) -> None:
    (tmp_path / "rapport.txt").write_bytes(REPORT.read_bytes())
    (tmp_path / "tom.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Jämställdhet i förskolan".encode("latin-1"))
    corpus = load_corpus(tmp_path)
    assert corpus.documents == ["rapport.txt"]
    assert {e.name: e.message for e in corpus.errors} == {
        "latin1.txt": "Dokumentet är inte UTF-8-kodat (fel vid byte 1); spara det som UTF-8.",
        "tom.txt": "Dokumentet är tomt.",
    }
    assert len(corpus.passages) == 65


def test_quote_without_speaker_is_kept_as_a_quote() -> None:
    passages = parse_document("notis", "Rubrik\n\n”Vi måste våga.”\n\nEtt stycke.\n".encode()).passages
    quote = passages[0]
    assert (quote.kind, quote.text, quote.role, quote.municipality) == ("quote", "Vi måste våga.", None, None)


def test_fingerprint_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Ett stycke.\n", encoding="utf-8")
    before = corpus_fingerprint(tmp_path)
    assert corpus_fingerprint(tmp_path) == before
    assert load_corpus(tmp_path).fingerprint == before
    (tmp_path / "a.txt").write_text("Ett annat stycke.\n", encoding="utf-8")
    assert corpus_fingerprint(tmp_path) != before


def test_passage_kinds_are_the_known_ones(passages: list[Passage]) -> None:
    assert {p.kind for p in passages} == set(KINDS) == set(KIND_LABELS)
    data = passages[0].to_dict() | {"kind": "bild"}
    with pytest.raises(ValueError, match="unknown passage kind"):
        Passage.from_dict(data)


def test_missing_corpus_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="Korpusmappen finns inte"):
        load_corpus(tmp_path / "saknas")
