"""The query adapter W = I + D: a softmax over the corpus's passages, scored like retrieval scores them.

Trained with Adam for the model it is fitted with; it overfits within tens of steps, so the step count
is chosen on held-out folds (``AdapterFit.chosen_steps``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.devtools.examples import Example
from assistant.engine import Engine
from assistant.search.retrieve import DEFAULT_KINDS

ADAPTER_SCALE = 20.0
"""Softmax temperature for the adapter: cosines differ by hundredths between passages (e5)."""
ADAPTER_LR = 1e-3
ADAPTER_MAX_STEPS = 300
"""The held-out loss is watched this far; on the development set it was lowest at about 130 steps."""


class AdapterFit:
    """Fits W = I + D on chosen questions: a softmax over the corpus's passages, scored like retrieval."""

    def __init__(self, engine: Engine, chosen: list[Example]) -> None:
        import torch

        index = engine.retriever.index
        searched = {p.id for p in index.passages if p.kind in DEFAULT_KINDS}
        self.rows = [e for e in chosen if e.question.gold & searched]  # a footnote alone is never found
        ids = {p.id: i for i, p in enumerate(index.passages)}
        queries = engine.embedder.encode_queries([e.query.search_text for e in self.rows]).astype(np.float32)
        gold = np.zeros((len(self.rows), len(index.passages)), dtype=bool)
        for r, example in enumerate(self.rows):
            gold[r, [ids[g] for g in example.question.gold if g in ids]] = True
        self.dimension = queries.shape[1]
        self.passages = torch.tensor(np.array(index.vectors), dtype=torch.float32)
        owner = np.array(index.sentence_owner)  # a writable copy: torch indexes with it
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
