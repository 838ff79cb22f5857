"""Composing a reply from synthetic hits: what the lead takes, and what it leaves out."""

from __future__ import annotations

from assistant.documents.passages import Passage
from assistant.reply.answer import Focus, compose
from assistant.reply.answerability import Decision
from assistant.search.retrieve import Hit

PLACES = ("Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare")
ABOUT_KALIX = "I Kalix har jämställdhet integrerats i skolans utvecklingssamtal och föräldramöten."
ABOUT_JOKKMOKK = "I Jokkmokk har förståelsen av könsskillnader i skolresultat fördjupats."
ANSWERED = Decision(True, "answered")


def paragraph(text: str, cosine: float, score: float) -> Hit:
    passage = Passage(
        id=f"p-{abs(hash(text)) % 10**8}",
        kind="paragraph",
        text=text,
        document="rapport",
        section="Röster från pilotverksamheterna",
        page=5,
    )
    return Hit(passage, score, cosine, 1.0, (text,), (cosine,))


def test_the_lead_leaves_out_a_sentence_about_another_municipality_than_the_one_asked_about() -> None:
    hits = [paragraph(ABOUT_KALIX, 0.90, 1.0), paragraph(ABOUT_JOKKMOKK, 0.86, 0.9)]
    focused = compose("Vad har man gjort i skolan?", hits, ANSWERED, focus=Focus("Jokkmokk", PLACES))
    assert [s.text for s in focused.lead] == [ABOUT_JOKKMOKK]
    unfocused = compose("Vad har man gjort i skolan?", hits, ANSWERED)
    assert unfocused.lead[0].text == ABOUT_KALIX


def test_a_sentence_that_leans_on_the_one_before_is_shown_with_it() -> None:
    text = "Kalix breddade satsningen till medborgarna. Detta ses som avgörande för det fortsatta arbetet i skolan."
    hit = Hit(
        paragraph(text, 0.9, 1.0).passage, 1.0, 0.9, 1.0, (text.split(". ")[1], text.split(". ")[0] + "."), (0.9, 0.8)
    )
    answer = compose("Vad är avgörande?", [hit], ANSWERED)
    assert answer.lead[0].text == text
