"""The question as typed → the text searched: chat Swedish, missing å/ä/ö, typos, language."""

from __future__ import annotations

import pytest

from assistant.search.query import Speller, language_of, prepare

CORPUS_WORDS = {"jämställdhet", "gällivare", "förskolan", "många", "intervjuades", "politikerna", "styrkedjan", "kalix"}


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
    ],
)
def test_chat_swedish_and_typos_are_mended(speller: Speller, typed: str, searched: str) -> None:
    query = prepare(typed, speller)
    assert query.text == searched
    assert query.changed and query.language == "sv"


def test_a_well_typed_question_is_left_alone(speller: Speller) -> None:
    query = prepare("Vad säger politikerna i Kalix om styrkedjan?", speller)
    assert query.text == query.typed and not query.changed


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


def test_english_is_searched_as_typed(speller: Speller) -> None:
    query = prepare("What did the politicians in Kalix say?", speller)
    assert query.text == query.typed and query.language == "en"
