"""Follow-ups are recognised by their form, never by length alone; their own focus replaces the previous one."""

from __future__ import annotations

import pytest

from assistant.interfaces.page import EXAMPLES
from assistant.search.conversation import is_follow_up
from assistant.search.query import Speller
from assistant.search.understanding import Reader

PLACES = ["Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare"]


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader.of(Speller({"kalix", "jokkmokk", "gällivare", "politikerna", "uppföljning", "tips"}), PLACES)


@pytest.mark.parametrize(
    "question",
    [
        "Och i Jokkmokk?",
        "Vad sa politikerna om det?",
        "Kalix då?",
        "Politikerna?",
        "Och politikerna i Kalix?",
        "men i Gällivare",
        "Vad tyckte de där?",
        "Finns det något tips om den?",
        "Vad gjorde de?",
    ],
)
def test_follow_ups_by_form(question: str) -> None:
    assert is_follow_up(question, PLACES)


@pytest.mark.parametrize(
    "question",
    ["Vad är styrkedjan?", "Vad gjorde Kalix?", "Hur får man med politikerna?", "Vad tyckte de i Gällivare?"],
)
def test_short_questions_are_not_follow_ups_by_length(question: str) -> None:
    assert not is_follow_up(question, PLACES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_chat_example_is_a_fresh_question_first_and_second(reader: Reader, example: str) -> None:
    assert not is_follow_up(example, PLACES)
    query = reader.understand(example, "Vilka tips finns om uppföljning?")
    assert not query.follow_up and query.search_text == query.text


def test_a_new_place_replaces_the_previous_one(reader: Reader) -> None:
    query = reader.understand("Och i Gällivare?", "Vad sa politikerna i Kalix?")
    assert query.follow_up and query.municipality == "Gällivare" and query.role == "Politiker"
    assert "Kalix" not in query.search_text and "Gällivare" in query.search_text
    assert query.implied_municipality == "Gällivare" and query.implied_role is None


def test_där_carries_the_previous_place(reader: Reader) -> None:
    query = reader.understand("Vad sa politikerna där?", "Vad gjorde Jokkmokk?")
    assert (query.implied_municipality, query.implied_role) == ("Jokkmokk", "Politiker")
    assert query.intent == "said"


def test_a_tip_follow_up_keeps_the_topic_but_not_the_place(reader: Reader) -> None:
    query = reader.understand("Finns det något tips om det?", "Vad gjorde Kalix med uppföljning?")
    assert query.follow_up and query.asks_tips and query.municipality is None
    assert "uppföljning" in query.search_text and query.implied_municipality is None


def test_a_chain_of_follow_ups_does_not_pile_up_their_small_words(reader: Reader) -> None:
    second = reader.understand("Och i Gällivare?", "Vad gjorde Kalix?")
    third = reader.understand("Och i Jokkmokk då?", second.search_text)
    assert third.search_text.lower().count("och") == 1 and "Gällivare" not in third.search_text


def test_an_english_question_is_not_a_follow_up(reader: Reader) -> None:
    assert not reader.understand("What should a municipality do first?", "Vilka tips finns om uppföljning?").follow_up


def test_whole_words_only(reader: Reader) -> None:
    query = reader.understand("Och verksamhetsstyrningen?", "Vad gjorde Kalix?")
    assert query.implied_role is None and query.implied_municipality is None
