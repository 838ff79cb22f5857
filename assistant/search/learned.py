"""Learned values shipped as data: linear and layered models over named features, and a query adapter.

``assistant tune`` fits them on the development questions and writes ``assistant/learned/``;
at run time they are applied with numpy alone, so ``ask`` starts without the learning library.
A model names its features: weights for another feature list (code changed since training) are
refused with a message that says to retrain, never applied to the wrong columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexUnavailable

LEARNED_DIR = Path(str(resources.files("assistant"))) / "learned"
WEIGHTS_FILE = "weights.json"
ADAPTER_FILE = "adapter.npy"
WORDING_FILE = "wording.npy"
WORDING_EXAMPLES_FILE = "wording_examples.npy"


@dataclass(frozen=True)
class LinearModel:
    """Score = features · weights + bias; a probability through the logistic function."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float = 0.0

    def score(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(rows, dtype=np.float32) @ self.weights.astype(np.float32) + np.float32(self.bias)

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.score(rows)))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "weights": _numbers(self.weights), "bias": _number(self.bias)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], expected: tuple[str, ...]) -> LinearModel:
        """The model ``to_dict`` wrote: a :class:`LayeredModel` when ``data`` holds a layer."""
        features = tuple(data["features"])
        if features != expected:
            raise IndexUnavailable("De inlärda vikterna passar inte koden (andra särdrag); kör `assistant tune` igen.")
        linear = (features, np.array(data["weights"], dtype=np.float32), float(data["bias"]))
        if "layer" not in data:
            return LinearModel(*linear)
        layer = data["layer"]
        weights, output = np.array(layer["weights"], dtype=np.float32), np.array(layer["output"], dtype=np.float32)
        layer_bias = np.array(layer["bias"], dtype=np.float32)
        if weights.size != len(output) * len(features) or len(layer_bias) != len(output):
            raise ValueError(f"a layer of {len(output)} units with {weights.size} weights and {len(layer_bias)} biases")
        return LayeredModel(
            *linear, layer=weights.reshape(len(output), len(features)), layer_bias=layer_bias, output=output
        )


@dataclass(frozen=True, kw_only=True)
class LayeredModel(LinearModel):
    """A linear model plus one small tanh layer: score = features · weights + bias + tanh(features · layerᵀ + layer
    bias) · output.  The layer learns how features act together, which a sum cannot: for the ranker, a passage the
    previous reply cited is the answer to "Varför då?" but not to "Finns det andra exempel?" (the ranker and the
    lead have one)."""

    layer: np.ndarray
    """(units, features), for the raw features."""
    layer_bias: np.ndarray
    output: np.ndarray

    def score(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.float32)
        return super().score(rows) + np.tanh(rows @ self.layer.T + self.layer_bias) @ self.output

    def to_dict(self) -> dict[str, Any]:
        layer = {
            "weights": _numbers(self.layer.ravel()),
            "bias": _numbers(self.layer_bias),
            "output": _numbers(self.output),
        }
        return super().to_dict() | {"layer": layer}


def _number(value: float) -> float:
    """Seven significant digits: a float32's precision, whatever the scale of the raw feature a weight is for."""
    return float(f"{float(value):.7g}")


def _numbers(values: np.ndarray) -> list[float]:
    return [_number(v) for v in values]


@dataclass(frozen=True)
class Learned:
    """Everything ``assistant tune`` fits: ranker, lead, decision, follow-up, quote and tip models, and the query
    adapter.

    ``adapter`` (W = I + D, applied to query vectors) belongs to the model with fingerprint
    ``adapter_model`` and is used with that model only, as are ``wording`` (d weights and a bias over the
    question's own vector: how much it reads like the development questions the documents answer, for the
    answered decision) and ``wording_examples`` (those questions' unit vectors, each row ending in 1 for in scope
    or 0, stored as float16: the decision's nearest-neighbour feature).  ``report`` holds the cross-validated
    figures printed when it was trained.
    """

    ranker: LinearModel
    lead: LinearModel
    decision: LinearModel
    decision_threshold: float
    other_decision: LinearModel
    """The decision for a question another document than the bundled report answers best, and its threshold:
    fitted without the report's priors (``REPORT_PRIORS``), which describe the report's questions only."""
    other_threshold: float
    follow_up: LinearModel
    quote: LinearModel
    """Orders the candidate quotes of a reply (``reply/choice.py``); ``tip`` its candidate tips."""
    tip: LinearModel
    adapter: np.ndarray | None = None
    adapter_model: str | None = None
    report: dict[str, Any] = field(default_factory=dict)
    wording: np.ndarray | None = None
    wording_examples: np.ndarray | None = None

    @classmethod
    def neutral(
        cls,
        ranker: tuple[str, ...],
        lead: tuple[str, ...],
        decision: tuple[str, ...],
        follow_up: tuple[str, ...],
        choice: tuple[str, ...],
    ) -> Learned:
        """All weights zero and no adapter: what ``assistant tune`` starts from when the shipped ones do not fit."""
        return cls(
            LinearModel(ranker, np.zeros(len(ranker), dtype=np.float32)),
            LinearModel(lead, np.zeros(len(lead), dtype=np.float32)),
            LinearModel(decision, np.zeros(len(decision), dtype=np.float32)),
            0.5,
            LinearModel(decision, np.zeros(len(decision), dtype=np.float32)),
            0.5,
            LinearModel(follow_up, np.zeros(len(follow_up), dtype=np.float32)),
            LinearModel(choice, np.zeros(len(choice), dtype=np.float32)),
            LinearModel(choice, np.zeros(len(choice), dtype=np.float32)),
        )

    def adapter_for(self, fingerprint: str | None) -> np.ndarray | None:
        return self._for_model(self.adapter, fingerprint)

    def wording_for(self, fingerprint: str | None) -> np.ndarray | None:
        return self._for_model(self.wording, fingerprint)

    def wording_examples_for(self, fingerprint: str | None) -> np.ndarray | None:
        return self._for_model(self.wording_examples, fingerprint)

    def _for_model(self, values: np.ndarray | None, fingerprint: str | None) -> np.ndarray | None:
        """``values`` when they were fitted with the embedding model of ``fingerprint``, else None."""
        return values if values is not None and fingerprint == self.adapter_model else None

    def save(self, directory: Path = LEARNED_DIR) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        data = {
            "ranker": self.ranker.to_dict(),
            "lead": self.lead.to_dict(),
            "decision": self.decision.to_dict(),
            "decision_threshold": round(self.decision_threshold, 4),
            "other_decision": self.other_decision.to_dict(),
            "other_threshold": round(self.other_threshold, 4),
            "follow_up": self.follow_up.to_dict(),
            "quote": self.quote.to_dict(),
            "tip": self.tip.to_dict(),
            "adapter_model": self.adapter_model,
            "report": self.report,
        }
        (directory / WEIGHTS_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if self.adapter is not None:
            np.save(directory / ADAPTER_FILE, self.adapter.astype(np.float32))
        if self.wording is not None:
            np.save(directory / WORDING_FILE, self.wording.astype(np.float32))
        if self.wording_examples is not None:
            np.save(directory / WORDING_EXAMPLES_FILE, self.wording_examples.astype(np.float16))


def load_learned(
    ranker: tuple[str, ...],
    lead: tuple[str, ...],
    decision: tuple[str, ...],
    follow_up: tuple[str, ...],
    choice: tuple[str, ...],
    directory: Path = LEARNED_DIR,
) -> Learned:
    """The shipped learned values, checked against the feature lists the code computes."""
    try:
        data = json.loads((directory / WEIGHTS_FILE).read_text(encoding="utf-8"))
        adapter_path = directory / ADAPTER_FILE
        adapter = np.load(adapter_path) if data.get("adapter_model") and adapter_path.exists() else None
        wording, wording_examples = (
            np.load(path).astype(np.float32) if data.get("adapter_model") and path.exists() else None
            for path in (directory / WORDING_FILE, directory / WORDING_EXAMPLES_FILE)
        )  # the examples are stored as float16: made float32 once here, not on every answer
        return Learned(
            LinearModel.from_dict(data["ranker"], ranker),
            LinearModel.from_dict(data["lead"], lead),
            LinearModel.from_dict(data["decision"], decision),
            float(data["decision_threshold"]),
            LinearModel.from_dict(data["other_decision"], decision),
            float(data["other_threshold"]),
            LinearModel.from_dict(data["follow_up"], follow_up),
            LinearModel.from_dict(data["quote"], choice),
            LinearModel.from_dict(data["tip"], choice),
            adapter,
            data.get("adapter_model"),
            data.get("report", {}),
            wording,
            wording_examples,
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise IndexUnavailable(
            f"De inlärda vikterna i {directory} kunde inte läsas ({error}); kör `assistant tune`."
        ) from error
