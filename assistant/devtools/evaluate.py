"""Retrieval quality on a set of questions with gold passages.

A question file is JSON Lines: ``{"question": …, "type": …, "gold": [prefix, …]}``
where each gold entry is the beginning of a passage's text (readable, and
stable as long as the report is).  Out-of-scope questions have no gold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.passages import Passage
from assistant.errors import InputError
from assistant.reply.answer import is_answered
from assistant.search.retrieve import METHODS, Retriever

DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"
CUTOFFS = (1, 3, 5)
MRR_DEPTH = 10


@dataclass(frozen=True)
class Question:
    text: str
    type: str
    gold: frozenset[str]  # passage ids


@dataclass(frozen=True)
class Scores:
    """Metrics of one retrieval method over the answerable questions."""

    method: str
    hits: dict[int, float]
    mrr: float
    questions: int


def load_questions(path: Path, passages: list[Passage]) -> list[Question]:
    """Read a question file and resolve gold prefixes to passage ids."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        gold = set()
        for prefix in row["gold"]:
            ids = {p.id for p in passages if p.text.startswith(prefix)}
            if not ids:
                raise InputError(f"{path}:{number}: inget stycke börjar med {prefix!r}")
            gold |= ids
        questions.append(Question(row["question"], row.get("type", ""), frozenset(gold)))
    return questions


def first_gold_rank(retriever: Retriever, question: Question, method: str) -> int | None:
    """1-based rank of the first gold passage in the top MRR_DEPTH, or None."""
    hits = retriever.search(question.text, k=MRR_DEPTH, method=method)
    for rank, hit in enumerate(hits, start=1):
        if hit.passage.id in question.gold:
            return rank
    return None


def evaluate(retriever: Retriever, questions: list[Question]) -> list[Scores]:
    """hit@1/3/5 and MRR@10 for each retrieval method on the answerable questions."""
    answerable = [q for q in questions if q.gold]
    results = []
    for method in METHODS:
        ranks = [first_gold_rank(retriever, q, method) for q in answerable]
        hits = {k: sum(1 for r in ranks if r is not None and r <= k) / len(ranks) for k in CUTOFFS}
        mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
        results.append(Scores(method, hits, mrr, len(ranks)))
    return results


@dataclass(frozen=True)
class Calibration:
    """How the answered/not-answered decision splits the question set."""

    answered_in_scope: float
    refused_out_of_scope: float
    in_scope: int
    out_of_scope: int


def calibrate(retriever: Retriever, questions: list[Question]) -> Calibration:
    """Share of in-scope questions answered and of out-of-scope questions refused."""
    inside = [q for q in questions if q.gold]
    outside = [q for q in questions if not q.gold]
    answered = [is_answered(retriever.search(q.text, k=MRR_DEPTH)) for q in inside]
    refused = [not is_answered(retriever.search(q.text, k=MRR_DEPTH)) for q in outside]
    return Calibration(
        answered_in_scope=sum(answered) / max(1, len(inside)),
        refused_out_of_scope=sum(refused) / max(1, len(outside)),
        in_scope=len(inside),
        out_of_scope=len(outside),
    )
