"""The answer comes first: the lead's length budget counts the notices above it (the order of the lead's
passages is tested with the rest of the lead in test_reply.py)."""

from __future__ import annotations

import numpy as np

from assistant.documents.passages import Passage
from assistant.reply.answer import ReplySettings, compose
from assistant.reply.answerability import Decision
from assistant.reply.lead import LEAD_FEATURES
from assistant.reply.render import to_markdown
from assistant.search.learned import LinearModel
from assistant.search.query import Query
from assistant.search.retrieve import Hit

CLOSE = LinearModel(LEAD_FEATURES, np.array([5.0 * (n == "sentence_cos") for n in LEAD_FEATURES], dtype=np.float32))
"""Scores sentences by cosine, gently: sentences 0.1 apart stay within the lead's margin of each other."""
FIRST = (
    "Flera av de intervjuade upplever att jämställdhetsarbetet gick lite trögt i starten och att det tog tid "
    "innan medarbetarna kände att de själva var ägare till processen."
)
SECOND = (
    "I relation till styrkedjan understryks vikten av den närmaste chefens roll, vars stöttning, intresse och "
    "nyfikenhet på hur arbetet fortskrider har varit en viktig drivkraft, enligt de intervjuade."
)


def hit(pid: str, sentences: tuple[str, ...], cosines: tuple[float, ...], score: float) -> Hit:
    passage = Passage(pid, "paragraph", " ".join(sentences), "rapport", "Hålla i och hålla ut", 8)
    return Hit(passage, score, max(cosines), 1.0, 0.0, sentences, cosines)


def test_a_notice_above_the_lead_leaves_room_for_one_sentence_less() -> None:
    both = [hit("p-1", (FIRST, SECOND), (0.9, 0.88), 1.0)]
    question = Query("Hur får man personalen delaktig?", "Hur får man personalen delaktig?")
    plain = compose(question, both, Decision(True, "answered"), CLOSE)
    assert [s.text for s in plain.lead] == [FIRST, SECOND]  # 367 characters: within 400
    noticed = compose(question, both, Decision(True, "answered", (), ("personalen",)), CLOSE)
    assert noticed.reply.notices and [s.text for s in noticed.lead] == [FIRST]
    assert "[1]" in to_markdown(noticed.reply)[: ReplySettings().lead_max_chars]
