"""The question as typed → understood: chat Swedish, missing å/ä/ö, typos, language, intent, places, roles."""

from __future__ import annotations

import pytest

from assistant.search.intent import intent_of
from assistant.search.places import swedish_places
from assistant.search.query import Speller, language_of, mend
from assistant.search.speakers import named_speaker
from assistant.search.understanding import Reader

CORPUS_WORDS = {"jämställdhet", "gällivare", "förskolan", "många", "intervjuades", "politikerna", "styrkedjan", "kalix"}
PLACES = ["Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare"]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(CORPUS_WORDS)


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("va sa dom i gallivare", "vad sa de i gällivare"),
        ("ngn som har tips me jämställdhet elr", "någon som har tips med jämställdhet eller"),
        ("hur manga intervjuades", "hur många intervjuades"),
        ("jämstäldhet i förskolan", "jämställdhet i förskolan"),
        ("va e styrkedjan", "vad är styrkedjan"),
        ("Va gjorde Gallivare?", "Vad gjorde Gällivare?"),
        ("Vad gjorde Gällivre?", "Vad gjorde Gällivare?"),
    ],
)
def test_chat_swedish_and_typos_are_mended(speller: Speller, typed: str, searched: str) -> None:
    assert mend(typed, speller) == (searched, "sv")


def test_hyphenated_words_numbers_and_document_words_are_left_alone() -> None:
    speller = Speller(CORPUS_WORDS | {"dom", "röstning"})
    assert mend("Hur gick e-röstning till 2019?", speller) == ("Hur gick e-röstning till 2019?", "sv")
    assert mend("Vad sa dom om 2018 och 4500 kr?", speller) == ("Vad sa dom om 2018 och 4500 kr?", "sv")
    assert mend("va e jämstäldhet", speller) == ("vad är jämställdhet", "sv")  # chat forms still mended


def test_a_well_typed_question_is_left_alone(speller: Speller) -> None:
    query = Reader.of(speller, PLACES).understand("Vad säger politikerna i Kalix om styrkedjan?")
    assert query.text == query.typed and not query.changed
    assert (query.role, query.municipality, query.intent) == ("Politiker", "Kalix", "said")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("What did the politicians in Kalix say?", "en"),
        ("How do we get started with gender equality work?", "en"),
        ("top-down or bottom-up, what works best?", "en"),
        ("Vad gjorde Kalix?", "sv"),
        ("Hur får man med politikerna?", "sv"),
        ("kalix", "sv"),
    ],
)
def test_language_is_told_by_function_words(text: str, language: str) -> None:
    assert language_of(text) == language


def test_english_is_searched_as_typed_and_names_no_places(speller: Speller) -> None:
    query = Reader.of(speller, PLACES).understand("What are the main tips for a municipality in Sweden?")
    assert query.text == query.typed and query.language == "en" and query.places == ()


@pytest.mark.parametrize(
    ("question", "speaker", "place", "intent"),
    [
        ("Hur bör vi börja arbetet?", False, False, "advice"),
        ("Vad ska vi tänka på när vi följer upp?", False, False, "advice"),
        ("Vad gjorde Kalix?", True, True, "did"),
        ("Vad sa politikerna i Kalix?", True, True, "said"),
        ("Vad menas med jämställdhetsintegrering?", False, False, "definition"),
        ("Varför är uppföljning svårt?", False, False, "reason"),
        ("Hur många intervjuades?", False, False, "figure"),
        ("Finns det en gemensam plan?", False, False, "yesno"),
        ("styrkedjan", False, False, "general"),
    ],
)
def test_intent_from_the_question_form(question: str, speaker: bool, place: bool, intent: str) -> None:
    assert intent_of(question, speaker, place) == intent


def test_places_are_whole_names_in_any_case_and_common_words_only_capitalised() -> None:
    places = swedish_places()
    assert places.named("hur e det i kiruna och gällivares skolor") == ["Kiruna", "Gällivare"]
    assert places.named("Vad gör Upplands Väsby och Lilla Edet?") == ["Upplands Väsby", "Lilla Edet"]
    assert places.named("vi vill vara med och mark är viktig") == []
    assert places.named("Hur gör man i Vara?") == ["Vara"]
    assert places.named("Vad gör man i Norge?") == ["Norge"]
    assert places.named("Vad är en kil i arbetet?") == [] and places.named("Mark är viktig") == []


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Hur ska vi få med politikerna?", "Politiker"),  # "ska" is the verb "skola", not the school
        ("Vem ska jag prata med först?", None),
        ("Vad sa nämnden?", "Politiker"),  # the lemmatiser reads "nämnd" as the verb "nämna"
        ("Nämns budgeten i rapporten?", None),
        ("Vad sa rektorerna i skolan?", "Verksamhetsföreträdare"),
        ("Hur fick de med förvaltningen?", "Förvaltningsföreträdare"),
        ("Gäller det verksamhetsstyrningen?", None),  # a role word inside a compound names no role
    ],
)
def test_a_role_is_named_by_its_words_in_any_inflection_and_by_no_verb(question: str, role: str | None) -> None:
    assert named_speaker(question, PLACES).role == role
