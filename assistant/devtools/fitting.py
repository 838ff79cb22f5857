"""The small fits ``assistant tune`` is made of: listwise softmax (linear, or with one tanh layer beside),
class-balanced logistic regression, folds.

Torch does the fitting (it is already installed for the model); features are standardised for the
optimiser and the weights returned for the raw features, so they apply without the standardising.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assistant.search.learned import LayeredModel

LAYERED_RATE = 0.01
LAYERED_BATCH = 128
"""Adam's learning rate, and groups per step for :func:`fit_layered` (the screens that chose the layers used them)."""


def standardise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    return mean, np.where(scale > 1e-6, scale, 1.0)


def fit_listwise(groups: list[np.ndarray], labels: list[np.ndarray], l2: float) -> np.ndarray:
    """Weights of a linear scorer maximising the softmax probability of each group's positives."""
    import torch

    mean, scale = standardise(np.concatenate(groups))
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


class _Layered:
    """A linear scorer plus one tanh layer of ``units`` in torch, on standardised features, with its optimiser.
    The layer's output weights start at 0, so fitting starts from the linear scorer alone."""

    def __init__(self, width: int, units: int, l2: float) -> None:
        import torch

        self.linear = torch.nn.Linear(width, 1, bias=False)  # a softmax ignores a constant
        self.layer = torch.nn.Linear(width, units)
        self.output = torch.nn.Linear(units, 1, bias=False)
        torch.nn.init.zeros_(self.output.weight)
        self.weighted = [self.linear.weight, self.layer.weight, self.output.weight]
        self.optimiser = torch.optim.Adam([*self.weighted, self.layer.bias], lr=LAYERED_RATE)
        self.l2 = l2

    def __call__(self, x: Any) -> Any:
        import torch

        return (self.linear(x) + self.output(torch.tanh(self.layer(x)))).squeeze(-1)

    def step(self, loss: Any) -> None:
        """One optimiser step on ``loss`` plus the ridge penalty on the weights (not the biases)."""
        loss = loss + self.l2 * sum((w**2).sum() for w in self.weighted)
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()

    def model(self, features: tuple[str, ...], mean: np.ndarray, scale: np.ndarray) -> LayeredModel:
        """The fitted weights for the raw features: x ↦ (x − mean) / scale folded into the weights and the layer's
        bias (the linear part's constant is dropped).  The model's level is therefore arbitrary and differs between
        fits; the decision reads the ranker's top score (``ranker_top``) with a small weight."""
        inner = self.layer.weight.detach().numpy().astype(np.float64) / scale
        weights = self.linear.weight.detach().numpy()[0].astype(np.float64) / scale
        return LayeredModel(
            features,
            weights.astype(np.float32),
            0.0,
            layer=inner.astype(np.float32),
            layer_bias=(self.layer.bias.detach().numpy() - inner @ mean).astype(np.float32),
            output=self.output.weight.detach().numpy()[0].astype(np.float32),
        )


def fit_layered(
    features: tuple[str, ...], groups: list[np.ndarray], labels: list[np.ndarray], units: int, l2: float, epochs: int
) -> LayeredModel:
    """A linear scorer plus one tanh layer of ``units``, maximising the softmax probability of each group's
    positives (as :func:`fit_listwise`); Adam over batches of groups.  Seeds torch's generator with 0, so a refit
    gives the same weights."""
    import torch

    torch.manual_seed(0)
    mean, scale = standardise(np.concatenate(groups))
    width, longest = groups[0].shape[1], max(len(g) for g in groups)
    rows = torch.zeros(len(groups), longest, width)
    present = torch.zeros(len(groups), longest, dtype=torch.bool)
    positive = torch.zeros(len(groups), longest, dtype=torch.bool)
    for i, (group, label) in enumerate(zip(groups, labels, strict=True)):
        rows[i, : len(group)] = torch.tensor((group - mean) / scale, dtype=torch.float32)
        present[i, : len(group)] = True
        positive[i, : len(group)] = torch.tensor(label)
    network = _Layered(width, units, l2)
    for _ in range(epochs):
        order = torch.randperm(len(groups))
        for start in range(0, len(groups), LAYERED_BATCH):
            batch = order[start : start + LAYERED_BATCH]
            x, mask, y = rows[batch], present[batch], positive[batch]
            scores = network(x).masked_fill(~mask, -1e9)
            network.step((torch.logsumexp(scores, 1) - torch.logsumexp(scores.masked_fill(~y, -1e9), 1)).mean())
    return network.model(features, mean, scale)


def fit_logistic(rows: np.ndarray, labels: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Weights and bias of a class-balanced logistic regression."""
    import torch

    mean, scale = standardise(rows)
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


def cross_validated(
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


def ranking_metrics(scores: Sequence[np.ndarray | None], labels: list[np.ndarray]) -> dict[str, float]:
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
