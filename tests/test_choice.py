"""Choosing the reply's first quote and tips: the learned order over named features, and what it chooses from."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.documents.passages import Passage
from assistant.reply.answer import compose
from assistant.reply.answerability import Decision
from assistant.reply.choice import (
    CHOICE_FEATURES,
    RANKER_ORDER,
    Choosers,
    Offered,
    choice_features,
    choose,
    gives_way,
    wants_tips,
)
from assistant.reply.lead import LEAD_FEATURES, NO_FOCUS
from assistant.search.learned import LinearModel
from assistant.search.query import Query
from assistant.search.retrieve import Hit

ANSWERED = Decision(True, "answered")
LEAD = LinearModel(LEAD_FEATURES, np.array([20.0 * (n == "sentence_cos") for n in LEAD_FEATURES], dtype=np.float32))
"""Leads with the sentence closest to the question (the paragraph below, not the quotes)."""


def quote(text: str, score: float, role: str, town: str = "Kalix", kind: str = "quote") -> Hit:
    passage = Passage(
        f"{kind}-{abs(hash(text)) % 10**8}", kind, text, "rapport", "Röster", 5, None, role, town, None, {}
    )
    return Hit(passage, score, 0.5, 1.0, 0.0, (text,), (0.5,))


def model(**weights: float) -> LinearModel:
    return LinearModel(CHOICE_FEATURES, np.array([weights.get(n, 0.0) for n in CHOICE_FEATURES], dtype=np.float32))


CHEF = quote("Vi började med att räkna på hur pengarna fördelades mellan verksamheterna.", 0.9, "Chef")
POLITIKER = quote("Det är jätteviktigt att politiken är med på tåget från början.", 0.4, "Politiker")
ABOUT = Hit(
    Passage("p-1", "paragraph", "Politikerna i Kalix har varit med sedan starten av arbetet.", "rapport", "Röster", 5),
    1.0,
    0.9,
    1.0,
    0.0,
    ("Politikerna i Kalix har varit med sedan starten av arbetet.",),
    (0.9,),
)
ASKED = replace(Query("Vad säger politikerna?", "Vad säger politikerna?"), role="Politiker")


def test_zero_weights_keep_the_rankers_order() -> None:
    assert choose(RANKER_ORDER.quote, ASKED, [CHEF, POLITIKER], [CHEF, POLITIKER], [], NO_FOCUS) == [CHEF, POLITIKER]


def test_a_learned_weight_on_the_speakers_role_puts_the_role_asked_about_first() -> None:
    rows = choice_features(ASKED, [CHEF, POLITIKER], [CHEF, POLITIKER], [], NO_FOCUS)
    role = CHOICE_FEATURES.index("role_match")
    assert rows[:, role].tolist() == [0.0, 1.0]
    choosers = Choosers(model(role_match=5.0), RANKER_ORDER.tip)
    offered = Offered([CHEF, POLITIKER], [])
    hits = [ABOUT, CHEF, POLITIKER]
    assert [q.text for q in compose(ASKED, hits, ANSWERED, LEAD, offered=offered).reply.quotes] == [
        CHEF.passage.text,
        POLITIKER.passage.text,
    ]
    reply = compose(ASKED, hits, ANSWERED, LEAD, offered=offered, choosers=choosers).reply
    assert [q.text for q in reply.quotes] == [POLITIKER.passage.text, CHEF.passage.text]


def test_the_quote_a_lead_sentence_discusses_is_marked_even_beyond_the_hits() -> None:
    commentary = quote(
        "Citatet visar att pengarna styr vad som blir gjort i verksamheterna.", 1.0, "", kind="paragraph"
    )
    commentary = replace(commentary, passage=replace(commentary.passage, discusses=CHEF.passage.id))
    lead = [(commentary.passage.text, commentary)]
    rows = choice_features(ASKED, [POLITIKER, CHEF], [commentary], lead, NO_FOCUS)
    discussed, hit_rank = CHOICE_FEATURES.index("discussed"), CHOICE_FEATURES.index("hit_rank")
    assert rows[:, discussed].tolist() == [0.0, 1.0]
    assert rows[:, hit_rank].tolist() == [0.0, 0.0]  # neither is among the reply's hits


def test_the_lead_gives_way_to_a_quote_the_quote_model_prefers_by_the_margin() -> None:
    close = replace(CHEF, sentence_scores=(0.88,))  # the lead model takes its sentence beside the paragraph's
    hits, offered = [ABOUT, close, POLITIKER], Offered([close, POLITIKER], [])
    kept = compose(ASKED, hits, ANSWERED, LEAD, offered=offered).reply
    assert [part.kind for part in kept.lead] == ["paragraph", "quote"]  # a zero quote model never gives way
    role = Choosers(model(role_match=5.0), RANKER_ORDER.tip)
    reply = compose(ASKED, hits, ANSWERED, LEAD, offered=offered, choosers=role).reply
    assert [part.kind for part in reply.lead] == ["paragraph"]
    assert [q.text for q in reply.quotes] == [POLITIKER.passage.text, CHEF.passage.text]
    lead = [(ABOUT.passage.text, ABOUT), (CHEF.passage.text, close)]
    assert gives_way(model(role_match=0.5), ASKED, lead, offered, hits, NO_FOCUS, 0.0) == lead  # within the margin
    alone = lead[1:]
    assert gives_way(model(role_match=5.0), ASKED, alone, offered, hits, NO_FOCUS, 0.0) == alone  # nothing else left
    added = replace(ABOUT, passage=replace(ABOUT.passage, document="tillagd"))  # the rest answers from another document
    beside = [(added.passage.text, added), lead[1]]
    assert gives_way(model(role_match=5.0), ASKED, beside, offered, [added, close, POLITIKER], NO_FOCUS, 0.0) == beside


def test_a_learned_tip_model_orders_the_tips_and_irrelevant_ones_stay_out_unless_asked_for() -> None:
    about_money = quote("Följ upp hur pengarna fördelas mellan verksamheterna varje år.", 0.6, "", kind="tip")
    about_politics = quote("Se till att politiken är med från början.", 0.5, "", kind="tip")
    faint = quote("Bjud in en föreläsare om jämställdhet.", 1e-6, "", kind="tip")
    tips = [about_politics, about_money, faint]
    hits = [ABOUT, *tips]
    overlap = Choosers(RANKER_ORDER.quote, model(overlap=10.0))
    money = Query("Hur följer vi upp pengarna?", "Hur följer vi upp pengarna?")
    shown = compose(money, hits, ANSWERED, LEAD, offered=Offered([], tips), choosers=overlap).reply.tips
    assert [t.text for t in shown] == [about_money.passage.text, about_politics.passage.text]
    asked = compose(money, hits, ANSWERED, LEAD, offered=Offered([], tips, tips_asked=True), choosers=overlap)
    assert faint.passage.text in [t.text for t in asked.reply.tips]


def test_a_question_about_what_to_do_gets_tips_first_though_it_names_no_tips() -> None:
    faint = quote("Arbeta inte ensam, utan forma en grupp som driver arbetet.", 1e-6, "", kind="tip")
    for text in (
        "Hur involverar man både politiker och tjänstepersoner?",
        "Ska jag driva det här ensam eller bilda en grupp?",
    ):
        question = Query(text, text)
        assert question.intent == "general" and not question.asks_tips  # the intent alone would show no tips
        offered = Offered([], [faint], tips_asked=wants_tips(question))
        reply = compose(question, [ABOUT, faint], ANSWERED, LEAD, offered=offered).reply
        assert [t.text for t in reply.tips] == [faint.passage.text] and reply.tips_first
    assert not wants_tips(Query("Hur arbetade man i Kalix?", "Hur arbetade man i Kalix?"))
