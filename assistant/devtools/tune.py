"""``assistant tune``: fit the learned values on the development questions, with cross-validated figures.

Four small models, fitted in order because each reads the one before:

1. the query adapter W = I + D (384 × 384, for the model it is trained with): a softmax over the
   corpus's passages, scored like retrieval scores them (passage cosine + best sentence cosine);
   the number of Adam steps is chosen on held-out folds, since it overfits within tens of steps;
2. the ranker: a linear model over ``PASSAGE_FEATURES``, a softmax over each question's candidates;
3. the lead: a linear model over ``LEAD_FEATURES``, a softmax over the candidate sentences of each
   question labelled with its answer sentence;
4. the answered decision: logistic regression over ``DECISION_FEATURES``, in-scope against
   out-of-scope questions; its threshold maximises balanced accuracy on out-of-fold probabilities.

Torch does the fitting (it is already installed for the model); the results are plain numbers in
``assistant/learned/``, applied with numpy at run time.  Questions are split into folds by a hash of
their text (a conversation stays in one fold); the held-out question files are never read here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.devtools.evaluate import Question, load_conversations, load_questions
from assistant.engine import Engine
from assistant.reply.answerability import DECISION_FEATURES, absent_words, decision_features
from assistant.reply.lead import LEAD_FEATURES, NO_FOCUS, Focus, lead_features, sentence_candidates
from assistant.search.features import PASSAGE_FEATURES
from assistant.search.learned import LEARNED_DIR, Learned, LinearModel
from assistant.search.query import Query
from assistant.search.retrieve import DEFAULT_KINDS, Filters

FOLDS = 5
"""Cross-validation folds; questions are assigned by a hash of their text."""
ADAPTER_SCALE = 20.0
"""Softmax temperature for the adapter: cosines differ by hundredths between passages (e5)."""
ADAPTER_LR = 1e-3
ADAPTER_MAX_STEPS = 300
"""The held-out loss is watched this far; on the development set it was lowest at about 130 steps."""
RANKER_L2 = 1e-2
LEAD_L2 = 1e-2
DECISION_L2 = 1e-2
"""Ridge penalties on standardised features: small, since the features are few and named."""
LEAD_DEPTH = 6
LEAD_MIN_CHARS = 30
"""The candidate sentences the lead model sees; the same as ``ReplySettings``' defaults."""


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


def _standardise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    return mean, np.where(scale > 1e-6, scale, 1.0)


def fit_listwise(groups: list[np.ndarray], labels: list[np.ndarray], l2: float) -> np.ndarray:
    """Weights of a linear scorer maximising the softmax probability of each group's positives."""
    import torch

    mean, scale = _standardise(np.concatenate(groups))
    xs = [torch.tensor((g - mean) / scale, dtype=torch.float64) for g in groups]
    ys = [torch.tensor(y, dtype=torch.bool) for y in labels]
    weights = torch.zeros(groups[0].shape[1], dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights], max_iter=200, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        total = sum(
            torch.logsumexp(x @ weights, 0) - torch.logsumexp((x @ weights)[y], 0) for x, y in zip(xs, ys, strict=True)
        )
        value = total / len(xs) + l2 * (weights**2).sum()
        value.backward()
        return value

    optimiser.step(loss)
    return weights.detach().numpy() / scale


def fit_logistic(rows: np.ndarray, labels: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Weights and bias of a class-balanced logistic regression."""
    import torch

    mean, scale = _standardise(rows)
    x = torch.tensor((rows - mean) / scale, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    balance = torch.where(y > 0, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    weights = torch.zeros(rows.shape[1] + 1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights], max_iter=200, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        logits = x @ weights[1:] + weights[0]
        value = (balance * torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none")).mean()
        value = value + l2 * (weights[1:] ** 2).sum()
        value.backward()
        return value

    optimiser.step(loss)
    w = weights.detach().numpy()
    raw = w[1:] / scale
    return raw, float(w[0] - (raw * mean).sum())


def _cross_validated(
    folds: np.ndarray, fit: Callable[[np.ndarray], Any], apply: Callable[[Any, np.ndarray], Any]
) -> list[Any]:
    """Out-of-fold results: for each fold, fit on the others and apply to it."""
    results: list[Any] = [None] * len(folds)
    for fold in np.unique(folds):
        inside = np.flatnonzero(folds != fold)
        outside = np.flatnonzero(folds == fold)
        if len(outside) == 0 or len(inside) == 0:
            continue
        model = fit(inside)
        for position, value in zip(outside, apply(model, outside), strict=True):
            results[position] = value
    return results


# -- 1. the query adapter ------------------------------------------------------------------------------


class AdapterFit:
    """Fits W = I + D on chosen questions: a softmax over the corpus's passages, scored like retrieval."""

    def __init__(self, engine: Engine, chosen: list[Example]) -> None:
        import torch

        index = engine.retriever.index
        self.rows = [e for e in chosen if e.question.gold]
        ids = {p.id: i for i, p in enumerate(index.passages)}
        queries = engine.embedder.encode_queries([e.query.search_text for e in self.rows]).astype(np.float32)
        gold = np.zeros((len(self.rows), len(index.passages)), dtype=bool)
        for r, example in enumerate(self.rows):
            gold[r, [ids[g] for g in example.question.gold if g in ids]] = True
        self.dimension = queries.shape[1]
        self.passages = torch.tensor(np.array(index.vectors), dtype=torch.float32)
        owner = index.sentence_owner
        width = int(np.bincount(owner, minlength=len(index.passages)).max())
        slot = np.arange(len(owner)) - np.searchsorted(owner, owner)
        self.padded = torch.zeros((len(index.passages), width, self.dimension))
        self.padded[owner, slot] = torch.tensor(np.asarray(index.sentence_vectors), dtype=torch.float32)
        self.valid = torch.zeros((len(index.passages), width), dtype=torch.bool)
        self.valid[owner, slot] = True
        self.allowed = torch.tensor([p.kind in DEFAULT_KINDS for p in index.passages])
        self.queries, self.gold = torch.tensor(queries), torch.tensor(gold)
        self.folds = np.array([e.fold for e in self.rows])

    def nll(self, delta: Any, select: np.ndarray) -> Any:
        import torch

        adapted = torch.nn.functional.normalize(self.queries[select] @ (torch.eye(self.dimension) + delta).T, dim=1)
        sentence = torch.einsum("qd,pkd->qpk", adapted, self.padded).masked_fill(~self.valid, -1.0).amax(dim=2)
        logits = (ADAPTER_SCALE * (0.5 * adapted @ self.passages.T + 0.5 * sentence)).masked_fill(~self.allowed, -1e9)
        positives = logits.masked_fill(~self.gold[select], -1e9)
        return (torch.logsumexp(logits, 1) - torch.logsumexp(positives, 1)).mean()

    def train(self, select: np.ndarray, steps: int, watch: np.ndarray | None = None) -> tuple[np.ndarray, list[float]]:
        """The adapter after ``steps`` Adam steps on ``select``, and the loss on ``watch`` after each step."""
        import torch

        delta = torch.zeros((self.dimension, self.dimension), requires_grad=True)
        optimiser = torch.optim.Adam([delta], lr=ADAPTER_LR)
        curve = []
        for _ in range(steps):
            optimiser.zero_grad()
            self.nll(delta, select).backward()
            optimiser.step()
            if watch is not None and len(watch):
                with torch.no_grad():
                    curve.append(float(self.nll(delta, watch)))
        return np.eye(self.dimension, dtype=np.float32) + delta.detach().numpy(), curve

    def chosen_steps(self, max_steps: int) -> tuple[int, dict[str, Any]]:
        """The number of steps with the lowest mean held-out loss over the folds."""
        import torch

        curves = []
        for fold in np.unique(self.folds):
            inside, outside = np.flatnonzero(self.folds != fold), np.flatnonzero(self.folds == fold)
            curves.append(self.train(inside, max_steps, outside)[1])
        mean = np.mean(np.array(curves), axis=0)
        with torch.no_grad():
            before = float(self.nll(torch.zeros((self.dimension, self.dimension)), np.arange(len(self.rows))))
        steps = int(mean.argmin()) + 1
        return steps, {
            "steps": steps,
            "held_out_nll_before": round(before, 4),
            "held_out_nll": round(float(mean.min()), 4),
        }

    def without(self, fold: int | None, steps: int) -> np.ndarray:
        """The adapter trained on every fold but ``fold`` (on all with None)."""
        return self.train(np.flatnonzero(self.folds != fold) if fold is not None else np.arange(len(self.rows)), steps)[
            0
        ]


# -- 2. the ranker -------------------------------------------------------------------------------------


def _ranking_metrics(scores: Sequence[np.ndarray | None], labels: list[np.ndarray]) -> dict[str, float]:
    ranks = []
    for score, label in zip(scores, labels, strict=True):
        if score is None:
            continue
        order = np.argsort(-score, kind="stable")
        hit = np.flatnonzero(label[order])
        ranks.append(int(hit[0]) + 1 if len(hit) else None)
    count = max(1, len(ranks))
    return {
        "hit@1": round(sum(1 for r in ranks if r == 1) / count, 3),
        "hit@5": round(sum(1 for r in ranks if r is not None and r <= 5) / count, 3),
        "mrr": round(sum(1 / r for r in ranks if r is not None) / count, 3),
        "questions": len(ranks),
    }


def ranker_data(engine: Engine, chosen: list[Example]) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Each gold-labelled question's candidate features and labels, with the engine's current adapter."""
    retriever = engine.retriever
    groups, labels, folds = [], [], []
    for example in chosen:
        if not example.question.gold:
            continue
        found = retriever.candidates(example.query, example.filters)
        label = np.array([retriever.index.passages[p].id in example.question.gold for p in found.positions])
        if label.any() and len(label) > 1:
            groups.append(found.features)
            labels.append(label)
            folds.append(example.fold)
    return groups, labels, np.array(folds)


def fit_ranker(groups: list[np.ndarray], labels: list[np.ndarray]) -> LinearModel:
    return LinearModel(PASSAGE_FEATURES, fit_listwise(groups, labels, RANKER_L2).astype(np.float32))


# -- 3. the lead ---------------------------------------------------------------------------------------


def lead_data(engine: Engine, example: Example) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One answer-labelled question's candidate sentences: features, labels, and their cosines (the baseline)."""
    answers = example.question.answers
    if not answers:
        return None
    hits = engine.retriever.search(example.query, k=10, filters=example.filters)
    candidates = sentence_candidates(hits, LEAD_DEPTH, LEAD_MIN_CHARS)
    label = np.array([any(a in c.text for a in answers) for c in candidates])
    if not label.any() or len(label) < 2:
        return None
    town = example.filters.municipality or example.query.municipality
    focus = Focus(town, engine._loaded.quoted) if town else NO_FOCUS
    return lead_features(example.query, candidates, focus), label, np.array([c.cosine for c in candidates])


def fit_lead(
    data: list[tuple[np.ndarray, np.ndarray, np.ndarray]], folds: np.ndarray
) -> tuple[LinearModel, dict[str, Any]]:
    """The lead model over ``LEAD_FEATURES``, with cross-validated figures against cosine alone."""
    groups, labels = [d[0] for d in data], [d[1] for d in data]
    out = _cross_validated(
        folds,
        lambda inside: fit_listwise([groups[i] for i in inside], [labels[i] for i in inside], LEAD_L2),
        lambda weights, outside: [groups[i] @ weights for i in outside],
    )
    report = {
        "cross_validated": _ranking_metrics(out, labels),
        "cosine_only": _ranking_metrics([d[2] for d in data], labels),
    }
    return LinearModel(LEAD_FEATURES, fit_listwise(groups, labels, LEAD_L2).astype(np.float32)), report


# -- 4. the answered decision --------------------------------------------------------------------------


def decision_data(engine: Engine, example: Example) -> np.ndarray | None:
    """One question's decision features, or None when a rule (place, year) declines it first."""
    coverage = engine._loaded.coverage(None)
    query = example.query
    if any(p not in coverage.places for p in query.places) or any(y not in coverage.years for y in query.years):
        return None
    hits = engine.retriever.search(query, k=10, filters=example.filters)
    if not hits:
        return None
    return decision_features(query, hits, coverage, absent_words(query, coverage))[0]


def fit_decision(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> tuple[LinearModel, float, dict[str, Any]]:
    """Logistic regression in-scope vs out-of-scope; the threshold maximises out-of-fold balanced accuracy."""
    out = _cross_validated(
        folds,
        lambda inside: fit_logistic(x[inside], y[inside], DECISION_L2),
        lambda model, outside: 1 / (1 + np.exp(-(x[outside] @ model[0] + model[1]))),
    )
    probability = np.array(out, dtype=np.float64)
    candidates = np.linspace(0.05, 0.95, 91)
    balanced = [((probability >= t)[y > 0].mean() + (probability < t)[y == 0].mean()) / 2 for t in candidates]
    threshold = float(candidates[int(np.argmax(balanced))])
    weights, bias = fit_logistic(x, y, DECISION_L2)
    report = {
        "threshold": round(threshold, 3),
        "cross_validated": {
            "in_scope_answered": round(float((probability >= threshold)[y > 0].mean()), 3),
            "out_of_scope_declined": round(float((probability < threshold)[y == 0].mean()), 3),
            "questions": len(y),
        },
    }
    return LinearModel(DECISION_FEATURES, weights.astype(np.float32), bias), threshold, report


def tune(
    engine: Engine,
    questions_path: Path,
    conversations_path: Path,
    output: Path = LEARNED_DIR,
    folds: int = FOLDS,
    max_steps: int = ADAPTER_MAX_STEPS,
) -> Learned:
    """Fit all four on the development questions and save them to ``output``.

    The lead and the decision learn from features a question would have when it is new: for each
    fold, the adapter and the ranker are fitted on the other folds, and the fold's questions are then
    ranked with them (stacking).  Fitted in-sample, cosines and ranker scores run higher than on new
    questions, and a decision learned on those declines new questions it should answer.
    """
    passages = engine.retriever.index.passages
    questions = load_questions(questions_path, passages)
    conversations = load_conversations(conversations_path, passages) if conversations_path.exists() else []
    chosen = examples(engine, questions, conversations, folds)
    fingerprint = engine.embedder.info.fingerprint
    adapters = AdapterFit(engine, chosen)
    steps, adapter_report = adapters.chosen_steps(max_steps)
    ranker_scores: list[np.ndarray | None] = []
    ranker_labels: list[np.ndarray] = []
    lead_rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    lead_folds, decision_rows, decision_labels, decision_folds = [], [], [], []
    for fold in [*range(folds), None]:
        learned = replace(engine.learned, adapter=adapters.without(fold, steps), adapter_model=fingerprint)
        engine.use(learned)
        groups, labels, group_folds = ranker_data(engine, chosen)
        ranker = fit_ranker(
            [g for g, f in zip(groups, group_folds, strict=True) if f != fold],
            [y for y, f in zip(labels, group_folds, strict=True) if f != fold],
        )
        engine.use(replace(learned, ranker=ranker))
        if fold is None:
            break
        ranker_scores += [ranker.score(g) for g, f in zip(groups, group_folds, strict=True) if f == fold]
        ranker_labels += [y for y, f in zip(labels, group_folds, strict=True) if f == fold]
        for example in (e for e in chosen if e.fold == fold):
            lead = lead_data(engine, example)
            if lead is not None:
                lead_rows.append(lead)
                lead_folds.append(fold)
            row = decision_data(engine, example)
            if row is not None:
                decision_rows.append(row)
                decision_labels.append(bool(example.question.gold))
                decision_folds.append(fold)
    lead_model, lead_report = fit_lead(lead_rows, np.array(lead_folds))
    decision, threshold, decision_report = fit_decision(
        np.array(decision_rows), np.array(decision_labels, dtype=np.float64), np.array(decision_folds)
    )
    report = {
        "questions": len(questions),
        "conversation_turns": sum(len(turns) for turns in conversations),
        "adapter": adapter_report,
        "ranker": {"cross_validated": _ranking_metrics(ranker_scores, ranker_labels)},
        "lead": lead_report,
        "decision": decision_report,
    }
    learned = replace(engine.learned, lead=lead_model, decision=decision, decision_threshold=threshold, report=report)
    learned.save(output)
    engine.use(learned)
    return learned
