"""The questions ``assistant tune`` learns from, understood as the engine understands them, in folds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant.devtools.evaluate import Question
from assistant.devtools.split import alike, clusters, query_encoder
from assistant.engine import Engine, implied_filters
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


def examples(
    engine: Engine, questions: list[Question], conversations: list[list[Question]], folds: int = FOLDS
) -> list[Example]:
    """Every question and conversation turn, understood as the engine would understand it.

    A conversation is read turn by turn as if each reply had cited the turn's gold passages, led by its answer
    sentence (what the conversations' writers assumed), and each turn follows the thread as labelled.
    """
    found = []
    for question, fold in zip(questions, folds_by_paraphrase(questions, folds), strict=True):
        query, filters = engine.understand(question.text)
        found.append(Example(question, query, filters, fold))
    municipalities = engine.retriever.municipality_names
    for turns in conversations:
        talk = Conversation()
        fold = _fold(turns[0].text, folds)
        for number, turn in enumerate(turns):
            reading = engine.read(turn.text, talk)
            follows = bool(number) and (turn.follows or not turn.kind)
            query = reading.query(follows)
            found.append(Example(turn, query, implied_filters(query, Filters()), fold, reading))
            topic = reading.topic_after(follows, municipalities, None)
            talk = talk.after(topic, follows, turn.text, turn.ranked_gold, turn.answers)
    return found
