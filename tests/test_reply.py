"""Composing a reply from synthetic hits: what the lead takes, and what it leaves out."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.documents.passages import Passage
from assistant.reply.answer import compose
from assistant.reply.answerability import Decision
from assistant.reply.lead import LEAD_FEATURES, Focus
from assistant.search.learned import LinearModel
from assistant.search.query import Query
from assistant.search.retrieve import Hit

PLACES = ("Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare")
ABOUT_KALIX = "I Kalix har jämställdhet integrerats i skolans utvecklingssamtal och föräldramöten."
ABOUT_JOKKMOKK = "I Jokkmokk har förståelsen av könsskillnader i skolresultat fördjupats."
ANSWERED = Decision(True, "answered")
LEAD = LinearModel(
    LEAD_FEATURES,
    np.array([{"sentence_cos": 20.0, "elsewhere": -5.0}.get(n, 0.0) for n in LEAD_FEATURES], dtype=np.float32),
)
"""Leads with the sentence closest to the question, never one about another place than the one asked about."""


def paragraph(text: str, cosine: float, score: float) -> Hit:
    passage = Passage(
        id=f"p-{abs(hash(text)) % 10**8}",
        kind="paragraph",
        text=text,
        document="rapport",
        section="Röster från pilotverksamheterna",
        page=5,
    )
    return Hit(passage, score, cosine, 1.0, 0.0, (text,), (cosine,))


def asked(text: str) -> Query:
    return Query(text, text)


def test_the_lead_leaves_out_a_sentence_about_another_municipality_than_the_one_asked_about() -> None:
    hits = [paragraph(ABOUT_KALIX, 0.90, 1.0), paragraph(ABOUT_JOKKMOKK, 0.86, 0.9)]
    question = asked("Vad har man gjort i skolan?")
    focused = compose(question, hits, ANSWERED, LEAD, focus=Focus("Jokkmokk", PLACES))
    assert [s.text for s in focused.lead] == [ABOUT_JOKKMOKK]
    unfocused = compose(question, hits, ANSWERED, LEAD)
    assert unfocused.lead[0].text == ABOUT_KALIX


def test_a_sentence_that_leans_on_the_one_before_is_shown_with_it() -> None:
    text = "Kalix breddade satsningen till medborgarna. Detta ses som avgörande för det fortsatta arbetet i skolan."
    hit = Hit(
        paragraph(text, 0.9, 1.0).passage,
        1.0,
        0.9,
        1.0,
        0.0,
        (text.split(". ")[1], text.split(". ")[0] + "."),
        (0.9, 0.8),
    )
    answer = compose(asked("Vad är avgörande?"), [hit], ANSWERED, LEAD)
    assert answer.lead[0].text == text


def test_the_same_sentence_in_two_passages_leads_once() -> None:
    same = "Det är viktigt att involvera politikerna på ett tidigt stadium i arbetet."
    first = paragraph(same, 0.9, 1.0)
    hits = [first, replace(first, passage=replace(first.passage, id="p-summary"), score=0.9)]
    answer = compose(asked("Hur får man med politikerna?"), hits, ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [same]
