"""Follow-ups are recognised by their form, never by length alone, and imply filters by whole words."""

from __future__ import annotations

import pytest

from assistant.interfaces.page import EXAMPLES
from assistant.reply.conversation import contextualize, follow_up_filters, is_follow_up
from assistant.search.retrieve import Filters

PLACES = ["Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare"]


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
def test_every_chat_example_is_a_fresh_question_first_and_second(example: str) -> None:
    assert not is_follow_up(example, PLACES)
    assert contextualize(example, "Vilka tips finns om uppföljning?", PLACES) == example


def test_follow_up_filters_take_whole_words_only() -> None:
    assert follow_up_filters("Och i Jokkmokk?", Filters(), PLACES) == Filters(municipality="Jokkmokk")
    assert follow_up_filters("Vad sa politikerna om det?", Filters(), PLACES) == Filters(role="Politiker")
    assert follow_up_filters("Och verksamhetsstyrningen?", Filters(), PLACES) == Filters()
    assert follow_up_filters("Och i Kalix?", Filters(municipality="Haparanda"), PLACES).municipality == "Haparanda"
