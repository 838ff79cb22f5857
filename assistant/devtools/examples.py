"""The questions ``assistant tune`` learns from, understood as the engine understands them, in folds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant.devtools.evaluate import Question
from assistant.devtools.split import alike, clusters, query_encoder
from assistant.engine import Engine, Reply, implied_filters
from assistant.search.conversation import Conversation
from assistant.search.query import Query
from assistant.search.retrieve import Filters
from assistant.search.understanding import Reading

FOLDS = 5
"""Cross-validation folds; alike questions share one (``folds_by_paraphrase``), a conversation's turns its first's."""


@dataclass(frozen=True)
class Example:
    """One question to learn from: understood, with its filters, gold passages and answer sentences.

    A conversation turn also has its ``reading`` (alone and in the conversation); its ``query`` is the reading
    its label says it is (``Question.follows``).
    """

    question: Question
    query: Query
    filters: Filters
    fold: int
    reading: Reading | None = None


def _fold(text: str, folds: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % folds


def folds_by_paraphrase(questions: list[Question], folds: int) -> list[int]:
    """Each question's fold: alike questions (``split.alike``, the rule that keeps paraphrases off the two
    sides of the held-out split) share one, chosen by a hash of their texts.

    With folds by text alone, a paraphrase learned in one fold was asked in another, and cross-validation
    rewarded memorising.  Conversations keep the fold of their first turn: joined to the questions alike to
    their turns, they chained into one component holding half the data.
    """
    rows = [{"question": q.text, "gold": sorted(q.gold)} for q in questions]
    fold_of = {}
    for cluster in clusters(alike(rows, query_encoder())):
        fold = _fold("\n".join(sorted(questions[i].text for i in cluster)), folds)
        fold_of.update(dict.fromkeys(cluster, fold))
    return [fold_of[i] for i in range(len(questions))]


def conversation_fold(turns: list[Question], folds: int) -> int:
    """A conversation's fold: its first turn's."""
    return _fold(turns[0].text, folds)


def examples(
    engine: Engine,
    questions: list[Question],
    conversations: list[list[Question]],
    folds: int = FOLDS,
) -> list[Example]:
    """Every question and conversation turn, understood as the engine would understand it; a conversation's
    turns as if each reply had cited the turn's gold passages (:func:`conversation_examples`)."""
    found = []
    for question, fold in zip(questions, folds_by_paraphrase(questions, folds), strict=True):
        query, filters = engine.understand(question.text)
        found.append(Example(question, query, filters, fold))
    for turns in conversations:
        found += conversation_examples(engine, turns, conversation_fold(turns, folds))
    return found


def conversation_examples(
    engine: Engine, turns: list[Question], fold: int, replies: list[Reply] | None = None
) -> list[Example]:
    """A conversation's turns, each read in the state before it and following the thread as labelled.

    The state is what the engine's reply to the previous turn returned (``replies``, from :func:`asked`), as at
    run time: the previous reply cites more than the turn's gold passages, and its lead may be wrong.  Without
    replies, each reply is taken to have cited the turn's gold passages, led by its answer sentence (what the
    conversations' writers assumed); ranking features that read the previous reply then learn from a state they
    never see at run time.
    """
    found = []
    talk = Conversation()
    municipalities = engine.retriever.municipality_names
    for number, turn in enumerate(turns):
        reading = engine.read(turn.text, talk)
        follows = bool(number) and (turn.follows or not turn.kind)
        query = reading.query(follows)
        found.append(Example(turn, query, implied_filters(query, Filters()), fold, reading))
        if replies is not None:
            talk = replies[number].conversation
        else:
            topic = reading.topic_after(follows, municipalities, None)
            talk = talk.after(topic, follows, turn.text, turn.ranked_gold, turn.answers)
    return found
