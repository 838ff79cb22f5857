"""The questions ``assistant tune`` learns from, understood as the engine understands them, in folds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant.devtools.evaluate import Question
from assistant.engine import Engine
from assistant.search.query import Query
from assistant.search.retrieve import Filters

FOLDS = 5
"""Cross-validation folds; questions are assigned by a hash of their text."""


@dataclass(frozen=True)
class Example:
    """One question to learn from: understood, with its filters, gold passages and answer sentences."""

    question: Question
    query: Query
    filters: Filters
    fold: int


def _fold(text: str, folds: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % folds


def examples(
    engine: Engine, questions: list[Question], conversations: list[list[Question]], folds: int = FOLDS
) -> list[Example]:
    """Every question and conversation turn, understood as the engine would understand it."""
    found = []
    for question in questions:
        query, filters = engine.understand(question.text)
        found.append(Example(question, query, filters, _fold(question.text, folds)))
    for turns in conversations:
        previous = None
        fold = _fold(turns[0].text, folds)
        for turn in turns:
            query, filters = engine.understand(turn.text, previous_query=previous)
            found.append(Example(turn, query, filters, fold))
            previous = query.search_text
    return found
