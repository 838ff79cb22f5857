"""A conversation's state: the topic over the turns, what the reply cited, and a question read in it."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from assistant.engine import implied_filters
from assistant.errors import InputError
from assistant.search.conversation import Conversation, Topic, content_words, follows_kind
from assistant.search.follow_up import FOLLOW_UP_FEATURES, follow_up_features
from assistant.search.query import Speller
from assistant.search.retrieve import Filters
from assistant.search.understanding import Reader

PLACES = ["Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare"]


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader.of(
        Speller({"kalix", "jokkmokk", "gällivare", "politikerna", "uppföljning", "tips", "skolan"}), PLACES
    )


def _after(reader: Reader, talk: Conversation, question: str, follows: bool = True) -> Conversation:
    reading = reader.read(question, talk)
    return talk.after(reading.topic_after(follows, PLACES, None), follows, question, ("p-1",), ())


def _talk(reader: Reader, *questions: str) -> Conversation:
    talk = Conversation()
    for number, question in enumerate(questions):
        talk = _after(reader, talk, question, follows=number > 0)
    return talk


def test_the_state_survives_json(reader: Reader) -> None:
    talk = _talk(reader, "Vad gjorde Kalix med uppföljning?", "Vad sa politikerna där?")
    again = Conversation.from_dict(json.loads(json.dumps(talk.to_dict())))
    assert again == talk and again.topic is not None and again.topic.municipality == "Kalix"


@pytest.mark.parametrize("bad", [{"topic": {"words": []}}, {"cited": [3]}, {"turns": "many"}, "text"])
def test_a_state_that_cannot_be_read_is_a_clear_error(bad: object) -> None:
    with pytest.raises(InputError, match="Samtalet kunde inte läsas"):
        Conversation.from_dict(bad)


def test_an_unknown_intent_in_a_state_reads_as_general() -> None:
    talk = Conversation.from_dict({"topic": {"opening": "Vad gjorde Kalix?", "intent": "hack"}})
    assert talk.topic == Topic("Vad gjorde Kalix?")


def test_a_first_question_is_read_alone(reader: Reader) -> None:
    reading = reader.read("Vad gjorde Kalix?", Conversation())
    assert reading.together is None and reading.query(True) is reading.alone


def test_a_new_place_replaces_the_previous_one(reader: Reader) -> None:
    reading = reader.read("Och i Gällivare?", _talk(reader, "Vad sa politikerna i Kalix?"))
    query = reading.together
    assert query is not None and query.municipality == "Gällivare" and query.role == "Politiker"
    assert "Kalix" not in query.search_text and "Gällivare" in query.search_text
    assert query.implied_municipality == "Gällivare"
    assert reading.alone.search_text == "Och i Gällivare?"


def test_där_carries_the_previous_place(reader: Reader) -> None:
    query = reader.read("Vad sa politikerna där?", _talk(reader, "Vad gjorde Jokkmokk?")).together
    assert query is not None and query.implied_municipality == "Jokkmokk" and query.role == "Politiker"
    assert query.intent == "said"


def test_där_points_at_the_place_the_previous_reply_spoke_of_when_no_question_named_one(reader: Reader) -> None:
    """The trial: "Finns det något exempel från någon kommun?" was answered from Kalix; "Vad sa rektorerna där?"
    then searched every municipality's principals."""
    talk = replace(_talk(reader, "Finns det något exempel på uppföljning?"), place="Kalix")
    query = reader.read("Vad sa politikerna där?", talk).together
    assert query is not None and query.municipality == "Kalix" and query.implied_municipality == "Kalix"
    named = replace(_talk(reader, "Vad gjorde Jokkmokk?"), place="Kalix")  # a place a question named comes first
    query = reader.read("Vad sa politikerna där?", named).together
    assert query is not None and query.municipality == "Jokkmokk"
    assert Conversation.from_dict(json.loads(json.dumps(talk.to_dict()))).place == "Kalix"
    assert talk.restarted().place is None


def test_a_role_a_follow_up_asks_about_never_filters(reader: Reader) -> None:
    """A role filter leaves only that role's quotes: "Och vad säger politikerna själva om sin del i det?" wants the
    report's paragraph about the politicians, and lost it to the filter."""
    talk = _talk(reader, "Hur viktigt är det att politikerna efterfrågar resultat?")
    query = reader.read("Och vad säger politikerna själva om sin del i det?", talk).together
    assert query is not None and query.intent == "said" and query.role == "Politiker"
    assert implied_filters(query, Filters()) == Filters()


def test_a_role_or_place_a_follow_up_talks_about_focuses_its_ranking_without_filtering(reader: Reader) -> None:
    """Filtered to school staff's quotes, "Hur gjorde de i skolan?" lost every paragraph about the school."""
    talk = _talk(reader, "Vad gjorde Kalix?")
    school = reader.read("Hur gjorde de i skolan?", talk).together
    assert school is not None and school.role == "Verksamhetsföreträdare" and school.municipality == "Kalix"
    assert school.implied_municipality is None
    there = reader.read("Hur gick arbetet i skolan där?", talk).together
    assert there is not None and there.municipality == "Kalix" and there.implied_municipality is None


def test_a_tip_follow_up_keeps_the_topic_but_not_the_place(reader: Reader) -> None:
    query = reader.read("Finns det något tips om det?", _talk(reader, "Vad gjorde Kalix med uppföljning?")).together
    assert query is not None and query.asks_tips and query.municipality is None
    assert "uppföljning" in query.search_text and query.implied_municipality is None


def test_a_chain_keeps_where_it_started(reader: Reader) -> None:
    talk = _talk(reader, "Hur arbetade skolan i Övertorneå?", "Vem drev det arbetet?", "Fick de hjälp utifrån?")
    query = reader.read("Gjorde kommunen mer än så?", talk).together
    assert query is not None and "skolan" in query.search_text and "Övertorneå" in query.search_text
    assert query.search_text.lower().count("och") == 0 and talk.turns == 3


def test_a_chain_of_follow_ups_does_not_pile_up_their_small_words(reader: Reader) -> None:
    talk = _talk(reader, "Vad gjorde Kalix?", "Och i Gällivare?")
    query = reader.read("Och i Jokkmokk då?", talk).together
    assert query is not None
    assert query.search_text.lower().count("och") == 1 and "Gällivare" not in query.search_text


def test_a_topic_change_opens_a_new_topic(reader: Reader) -> None:
    talk = _talk(reader, "Vad gjorde Kalix med uppföljning?", "Vad sa politikerna där?")
    changed = _after(reader, talk, "Vad är styrkedjan?", follows=False)
    assert changed.topic == Topic("Vad är styrkedjan?", intent="definition") and changed.turns == 1


def test_the_cited_passages_ride_along_on_the_conversation_reading(reader: Reader) -> None:
    talk = _talk(reader, "Vad gjorde Kalix?")
    query = reader.read("Kan du ge ett exempel?", talk).together
    assert query is not None and query.cited == ("p-1",) and query.follows == "example"
    led = replace(talk, sentences=("Kalix började i skolan.",))
    assert reader.read("Kan du ge ett exempel?", led).together.led == ("Kalix började i skolan.",)


@pytest.mark.parametrize(
    ("question", "kind"), [("Kan du ge ett exempel?", "example"), ("Hur gick det sen?", "next"), ("Varför?", "")]
)
def test_what_a_question_about_the_answer_asks_for(question: str, kind: str) -> None:
    assert follows_kind(question) == kind


def test_content_words_leave_out_pointers_names_and_question_words() -> None:
    assert content_words("Hur gjorde de före projektet i Kalix?", PLACES) == ["före", "projektet"]
    assert content_words("Varför då?", PLACES) == []
    assert content_words("Vad tyckte hen om projektet?", PLACES) == ["tyckte", "projektet"]


def _features(reader: Reader, question: str, *before: str) -> dict[str, float]:
    row = follow_up_features(reader.read(question, _talk(reader, *before)), PLACES, 0.8, 0.7, 0.75, 0.72)
    return dict(zip(FOLLOW_UP_FEATURES, row.tolist(), strict=True))


def test_follow_up_features_name_what_points_back(reader: Reader) -> None:
    pronoun = _features(reader, "Hur gjorde de före projektet?", "Vad gjorde Kalix?")
    assert pronoun["points_back"] == 1 and pronoun["points_back_last"] == 0 and pronoun["no_content_word"] == 0
    why = _features(reader, "Varför då?", "Vad gjorde Kalix?")
    assert why["no_content_word"] == 1 and why["about_answer"] == 1 and why["points_back_last"] == 1
    place = _features(reader, "Och i Gällivare?", "Vad gjorde Kalix?")
    assert place["only_names"] == 1 and place["names_other_place"] == 1 and place["opens_with_and"] == 1
    new = _features(reader, "Vad är styrkedjan?", "Vad gjorde Kalix?")
    assert (
        new["points_back"] == 0 and new["topic_word_share"] == 0 and new["content_words"] == pytest.approx(np.log1p(1))
    )
    assert (new["topic_similarity"], new["corpus_similarity"]) == pytest.approx((0.8, 0.7))


def test_follow_up_features_read_how_near_the_question_is_to_what_was_just_cited(reader: Reader) -> None:
    """A "continues" turn stands on its own words; what marks it is its nearness to the cited passages and how
    much its topic sharpens what it finds (``cited_similarity``, ``together_gain``)."""
    row = _features(reader, "Vem genomförde själva intervjuerna?", "Hur många intervjuades?")
    assert row["cited_similarity"] == pytest.approx(0.75) and row["together_gain"] == pytest.approx(0.02)
