"""The answered decision: places, years and figures the report lacks; weak matches; the decline message."""

from __future__ import annotations

from assistant.documents.passages import Passage
from assistant.reply.answer import compose, decline_message
from assistant.reply.answerability import CorpusFacts, Decision, decide, places_named
from assistant.search.query import Query
from assistant.search.retrieve import Hit

PLACES = ["Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare"]
TEXTS = [
    "Länets alla 14 kommuner har undertecknat deklarationen under perioden 2018-2021.",
    "Pilotverksamheten i Kalix arbetade med förskolan och skolan.",
]
FACTS = CorpusFacts.of(TEXTS, PLACES)


def hit(text: str, cosine: float, lexical: float = 1.0) -> Hit:
    passage = Passage(
        id=f"p-{abs(hash(text)) % 10**8}", kind="paragraph", text=text, document="rapport", section="Inledning", page=1
    )
    return Hit(passage, 1.0, cosine, lexical, (text,), (cosine,))


def query(text: str, language: str = "sv") -> Query:
    return Query(text, text, language)


def test_a_municipality_the_report_does_not_cover_is_declined_by_name() -> None:
    decision = decide(query("Vad har Kiruna kommun gjort?"), [hit(TEXTS[1], 0.95)], FACTS)
    assert decision == Decision(False, "place", ("Kiruna",), covered=tuple(PLACES))
    assert decline_message(decision) == (
        "**Rapporten nämner inte Kiruna – den handlar om Övertorneå, Kalix, Haparanda, Jokkmokk och Gällivare.**"
    )
    assert places_named("hur e det i kiruna och gällivares skolor") == ["Kiruna", "Gällivare"]


def test_a_year_the_report_never_mentions_is_declined() -> None:
    decision = decide(query("Vad beslutades i Kalix 2023?"), [hit(TEXTS[1], 0.95)], FACTS)
    assert (decision.answered, decision.reason, decision.not_covered) == (False, "year", ("2023",))
    assert decide(query("Vad hände 2018?"), [hit(TEXTS[0], 0.95)], FACTS).answered


def test_a_figure_is_answered_only_where_the_best_sentences_hold_one() -> None:
    assert decide(query("Hur många kommuner skrev under?"), [hit(TEXTS[0], 0.9)], FACTS).answered
    decision = decide(query("Hur stor budget hade förskolan?"), [hit(TEXTS[1], 0.9)], FACTS)
    assert (decision.answered, decision.reason) == (False, "figure")
    assert decline_message(decision).startswith("**Rapporten anger inga sådana siffror")


def test_weak_matches_are_declined_and_strong_ones_answered() -> None:
    assert decide(query("Hur arbetade förskolan?"), [hit(TEXTS[1], 0.9)], FACTS).answered
    assert not decide(query("Hur arbetade förskolan?"), [hit(TEXTS[1], 0.70, lexical=0.1)], FACTS).answered
    absent = decide(query("Hur arbetar äldreomsorgen?"), [hit(TEXTS[1], 0.85)], FACTS)
    assert not absent.answered and absent.absent_words == ("äldreomsorgen",)


def test_other_languages_are_judged_by_the_model_alone() -> None:
    assert decide(query("How did the preschool work?", "en"), [hit(TEXTS[1], 0.82, lexical=0.0)], FACTS).answered


def test_a_declined_reply_shows_at_most_two_nearby_passages() -> None:
    hits = [hit(f"{TEXTS[1]} ({n})", 0.7) for n in range(5)]
    decision = Decision(False, "place", ("Kiruna",), covered=tuple(PLACES))
    answer = compose("Vad gjorde Kiruna?", hits, decision)
    assert not answer.answered and len(answer.cited) == 2
    assert "### Närliggande i rapporten" in answer.markdown
    assert answer.to_dict()["decision"] == {
        "answered": False,
        "reason": "place",
        "not_covered": ["Kiruna"],
        "absent_words": [],
    }
