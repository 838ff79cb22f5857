"""Hybrid retrieval on the real index: quality floor, filters, Swedish without å/ä/ö."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.devtools.evaluate import (
    HOLDOUT_CONVERSATIONS,
    HOLDOUT_QUESTIONS,
    Evaluation,
    evaluate,
    evaluate_conversations,
    load_conversations,
    load_questions,
)
from assistant.engine import Engine
from assistant.errors import InputError
from assistant.search.features import PASSAGE_FEATURES
from assistant.search.retrieve import Filters

FLOOR = {"hit@1": 0.85, "hit@5": 0.94, "mrr": 0.89, "answered": 0.93, "near-oos": 0.95, "far-oos": 0.93}
MAX_MEDIAN_REPLY = 1450
"""Regression floors on the held-out questions (never trained on), about 4 points under the figures measured
with `assistant eval` on 2026-12-07 after the seventh session's refit (hit@1 0.890, hit@5 0.977, MRR 0.929,
in-scope answered 0.977, near- and far-topic declined 1.000 / 0.969 — one of 32 —, median reply 1,323 characters;
docs/evaluation.md), so a drop of 5 fails; far-topic declines have room for two more misses."""


@pytest.fixture(scope="module")
def held_out(engine) -> Evaluation:
    questions = load_questions(HOLDOUT_QUESTIONS, engine.retriever.index.passages)
    assert sum(1 for q in questions if q.gold) >= 200
    assert sum(1 for q in questions if q.type == "near-oos") >= 50
    return evaluate(engine, questions)


def test_the_learned_ranking_is_no_worse_than_either_side_on_new_questions(held_out: Evaluation) -> None:
    """On held-out questions (the development ones are in-sample for the adapter: both sides near 1.0).

    Measured 2026-12-07 after the fifth session's merge: MRR fused 0.918, dense 0.920; hit@1 fused 0.868, dense
    0.872; hit@5 fused 0.977, dense 0.982.  Dense alone led by 0.013 of MRR after the fourth session; the ranker,
    stacked since (fitted on out-of-fold features), is level with it here and leads it out of fold on the
    development folds (docs/evaluation.md).  It must not fall a question's worth behind."""
    fused, dense, bm25 = held_out.methods
    assert fused.mrr >= dense.mrr - 0.01 and fused.mrr > bm25.mrr + 0.2
    assert fused.hits[5] >= dense.hits[5] - 0.02


def test_quality_floor(held_out: Evaluation) -> None:
    """Floors a little under the measured held-out figures, to catch regressions."""
    fused = held_out.methods[0]
    assert fused.hits[1] >= FLOOR["hit@1"] and fused.hits[5] >= FLOOR["hit@5"] and fused.mrr >= FLOOR["mrr"]
    replies = held_out.replies
    assert replies.answered_in_scope >= FLOOR["answered"]
    assert replies.declined["near-oos"] >= FLOOR["near-oos"] and replies.declined["far-oos"] >= FLOOR["far-oos"]
    assert replies.median_reply_chars <= MAX_MEDIAN_REPLY


REPLY_FLOOR = {"answer in 400": 0.84, "lead from gold": 0.82, "first quote": 0.79, "tips": 0.86}
"""Floors on what the reply shows, about 4 points under the held-out figures measured with `assistant eval` on
2026-12-07 after the seventh session's refit (answer cited within the first 400 characters 0.881, lead from a right
passage 0.868, first quote 0.844 of 64, tip in the first two 0.920 of 50; docs/evaluation.md)."""
CONVERSATION_FLOOR = {"first turns": 0.91, "follow-ups": 0.78, "follow-ups top 5": 0.93, "follow-up lead": 0.74}
"""Floors on the held-out conversations asked turn by turn, about 4 points under the same measurement (first turns
0.954 of 65, follow-ups 0.822 / 0.967 of 152, their lead 0.783)."""


def test_reply_floor(held_out: Evaluation) -> None:
    replies = held_out.replies
    assert replies.answer_in_lead >= REPLY_FLOOR["answer in 400"]
    assert replies.lead_from_gold >= REPLY_FLOOR["lead from gold"]
    assert replies.first_quote_right >= REPLY_FLOOR["first quote"] and replies.first_quote_questions >= 40
    assert replies.tip_in_first_two >= REPLY_FLOOR["tips"] and replies.tip_questions >= 40


def test_conversation_floor(engine: Engine) -> None:
    conversations = load_conversations(HOLDOUT_CONVERSATIONS, engine.retriever.index.passages)
    scores = evaluate_conversations(engine, conversations)
    assert scores.conversations >= 60 and scores.follow_ups.questions >= 150
    assert scores.first_turns.hits[1] >= CONVERSATION_FLOOR["first turns"]
    assert scores.follow_ups.hits[1] >= CONVERSATION_FLOOR["follow-ups"]
    assert scores.follow_ups.hits[5] >= CONVERSATION_FLOOR["follow-ups top 5"]
    assert scores.follow_up_lead_from_gold >= CONVERSATION_FLOOR["follow-up lead"]


def test_learned_ranking_scores_are_probabilities_relative_to_the_best(fake_retriever) -> None:
    hits = fake_retriever.search("Hur följer man upp jämställdhetsarbetet?", k=6)
    scores = [h.score for h in hits]
    assert scores[0] == 1.0 and scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert [h.logit for h in hits] == sorted((h.logit for h in hits), reverse=True)


def test_every_candidate_has_every_named_feature(fake_retriever) -> None:
    from assistant.search.query import Query

    found = fake_retriever.candidates(Query.plain("uppföljning i Kalix"))
    assert found.features.shape == (len(found.positions), len(PASSAGE_FEATURES))
    assert np.isfinite(found.features).all()


def test_an_empty_filter_result_is_no_hits(fake_retriever) -> None:
    assert fake_retriever.search("uppföljning", filters=Filters(kind="tips", role="Politiker")) == []


def test_hits_carry_their_sentences_verbatim_best_first(fake_retriever) -> None:
    for hit in fake_retriever.search("Vad gjorde Kalix med uppföljning?", k=5):
        assert hit.sentences and all(s in hit.passage.text for s in hit.sentences)
        assert list(hit.sentence_scores) == sorted(hit.sentence_scores, reverse=True)


def test_filtered_search_still_fills_k(fake_retriever) -> None:
    hits = fake_retriever.search("jämställdhet", k=3, filters=Filters(municipality="Kalix", kind="citat"))
    assert len(hits) == 3 and {h.passage.kind for h in hits} == {"quote"}


def test_query_without_diacritics_finds_its_passage(retriever) -> None:
    top = retriever.search("jamstalldhet forskolan gallivare", k=3)
    assert any("I Gällivare har pilotverksamheten" in h.passage.text for h in top)
    assert retriever.search("hagelspruta", k=1)[0].passage.municipality == "Kalix"


def test_municipality_filter_applies_inside_the_search(retriever) -> None:
    hits = retriever.search("uppföljning", k=5, filters=Filters(municipality="kalix"))
    assert len(hits) == 5
    assert all(h.passage.municipality == "Kalix" or "Kalix" in h.passage.text for h in hits)


def test_role_and_kind_filters(retriever) -> None:
    hits = retriever.search("skolan", k=4, filters=Filters(role="politiker", kind="citat"))
    assert len(hits) == 4
    assert {h.passage.role for h in hits} == {"Politiker"}
    tips = retriever.search("uppföljning", k=12, filters=Filters(kind="tips"))
    assert len(tips) == 12 and {h.passage.kind for h in tips} == {"tip"}


def test_footnotes_only_when_asked_for(retriever) -> None:
    assert all(h.passage.kind != "footnote" for h in retriever.search("CEMR deklarationen", k=20))
    notes = retriever.search("CEMR deklarationen", k=1, filters=Filters(kind="fotnot"))
    assert notes[0].passage.text.startswith("CEMR (2009)")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters(municipality="Luleå"), "Okänd kommun: 'Luleå'. Välj en av: Gällivare, Haparanda"),
        (Filters(role="Rektor"), "Okänd roll: 'Rektor'"),
        (Filters(kind="bild"), "Okänd typ: 'bild'"),
    ],
)
def test_unknown_filter_values_get_a_swedish_message(retriever, filters: Filters, message: str) -> None:
    with pytest.raises(InputError, match=message):
        retriever.search("jämställdhet", filters=filters)


@pytest.mark.parametrize(
    "name",
    [
        " PÅ VÄG MOT JÄMSTÄLLDA  och attraktiva kommuner ",
        "rapport.txt",
        "RAPPORT",
        "Pa vag mot jamstallda och attraktiva kommuner",
    ],
)
def test_a_document_is_named_by_its_title_file_name_or_key_in_any_case(fake_retriever, name: str) -> None:
    assert fake_retriever.normalise(Filters(document=name)).document == "rapport"


def test_an_unknown_document_names_the_ones_there(fake_retriever) -> None:
    with pytest.raises(InputError, match=r"Det finns inget dokument som heter 'okänd\.pdf'\. Dokument: rapport\.txt\."):
        fake_retriever.normalise(Filters(document="okänd.pdf"))
