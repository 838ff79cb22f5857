"""The small fits ``assistant tune`` is made of: listwise softmax, class-balanced logistic regression, folds.

Torch does the fitting (it is already installed for the model); features are standardised for the
optimiser and the weights returned for the raw features, so they apply with one dot product.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


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
