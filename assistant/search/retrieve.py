"""Hybrid retrieval: FAISS (dense) and BM25 (lexical), fused, with filters inside the search.

Filters restrict both searches before ranking (a FAISS ID selector and a BM25
weight mask), so a filtered query still gets its full ``k`` results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import faiss
import numpy as np

from assistant.documents.passages import KIND_LABELS, Kind, Passage
from assistant.errors import InputError
from assistant.search.embeddings import Embedder
from assistant.search.index import Index
from assistant.search.lexical import FOLD, tokenize

METHODS = ("fused", "dense", "bm25")
DEFAULT_KINDS: tuple[Kind, ...] = ("quote", "tip", "paragraph")
"""Footnotes (mostly bare URLs) are searched only when asked for with the kind filter."""
DENSE_WEIGHT = 0.6
"""Weight of the dense score in the fusion; chosen on assistant/devtools/questions.jsonl (see README)."""


@dataclass(frozen=True)
class Filters:
    """Optional restrictions; ``None`` means any."""

    municipality: str | None = None
    role: str | None = None
    kind: str | None = None
    document: str | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score, the two scores it came from, and its best sentences.

    ``sentences`` are the passage's sentences that matched the query best, verbatim
    (substrings of ``passage.text``), best first; empty when not computed.
    """

    passage: Passage
    score: float
    dense: float
    lexical: float
    sentences: tuple[str, ...] = ()


def _key(value: str) -> str:
    return value.strip().lower().translate(FOLD)


def _resolve(value: str | None, choices: Mapping[str, str], what: str) -> str | None:
    """Match a user's filter value (any case, å/ä/ö optional) to a known value."""
    if value is None or not value.strip():
        return None
    found = choices.get(_key(value))
    if found is None:
        options = ", ".join(sorted(set(choices.values())))
        raise InputError(f"Okänd {what}: {value.strip()[:60]!r}. Välj en av: {options}.")
    return found


def _mentions(passage: Passage, municipality: str) -> bool:
    return passage.municipality == municipality or municipality in passage.text


class Retriever:
    """Ranks an index's passages for a question."""

    def __init__(self, index: Index, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        passages = index.passages
        self.municipalities = {_key(p.municipality): p.municipality for p in passages if p.municipality}
        self.roles = {_key(p.role): p.role for p in passages if p.role}
        self.kinds = {_key(k): k for k in {p.kind for p in passages}}
        self.kinds.update({_key(KIND_LABELS[k]): k for k in set(self.kinds.values())})
        self.documents = {_key(p.document): p.document for p in passages}

    def normalise(self, filters: Filters) -> Filters:
        """Canonical filter values; InputError for unknown ones."""
        return Filters(
            municipality=_resolve(filters.municipality, self.municipalities, "kommun"),
            role=_resolve(filters.role, self.roles, "roll"),
            kind=_resolve(filters.kind, self.kinds, "typ"),
            document=_resolve(filters.document, self.documents, "dokument"),
        )

    def allowed(self, filters: Filters) -> np.ndarray:
        """Positions of the passages that pass the (normalised) filters."""
        return np.array(
            [
                i
                for i, p in enumerate(self.index.passages)
                if (p.kind == filters.kind if filters.kind else p.kind in DEFAULT_KINDS)
                and (filters.role is None or p.role == filters.role)
                and (filters.municipality is None or _mentions(p, filters.municipality))
                and (filters.document is None or p.document == filters.document)
            ],
            dtype=np.int64,
        )

    def dense_scores(self, query: str, allowed: np.ndarray) -> np.ndarray:
        """Cosine similarity for every allowed passage (others: -inf)."""
        vector = self.embedder.encode_queries([query])
        # faiss's stub lacks the keyword arguments its Python wrapper adds to SearchParameters.
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))  # type: ignore[call-arg]
        scores, ids = self.index.dense.search(vector, len(allowed), params=params)
        full = np.full(len(self.index.passages), -np.inf, dtype=np.float32)
        valid = ids[0] >= 0
        full[ids[0][valid]] = scores[0][valid]
        return full

    def lexical_scores(self, query: str, allowed: np.ndarray) -> np.ndarray:
        """BM25 score for every allowed passage (others: -inf)."""
        mask = np.zeros(len(self.index.passages), dtype=np.float32)
        mask[allowed] = 1.0
        tokens = tokenize(query)
        scores = (self.index.bm25.get_scores(tokens, weight_mask=mask) if tokens else np.zeros_like(mask)).astype(
            np.float32
        )
        scores[mask == 0] = -np.inf
        return scores

    def search(self, query: str, k: int = 8, filters: Filters = Filters(), method: str = "fused") -> list[Hit]:
        """The ``k`` best passages for ``query`` under ``filters``."""
        if method not in METHODS:
            raise InputError(f"Okänd sökmetod {method!r}; välj en av {', '.join(METHODS)}.")
        allowed = self.allowed(self.normalise(filters))
        if len(allowed) == 0 or k <= 0:
            return []
        dense = self.dense_scores(query, allowed) if method != "bm25" else np.zeros(len(self.index.passages))
        lexical = self.lexical_scores(query, allowed) if method != "dense" else np.zeros(len(self.index.passages))
        if method == "fused":
            score = fuse(dense, lexical, allowed)
        else:
            score = dense if method == "dense" else lexical
        order = allowed[np.argsort(-score[allowed], kind="stable")][:k]
        return [Hit(self.index.passages[i], float(score[i]), float(dense[i]), float(lexical[i])) for i in order]


def _min_max(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def fuse(dense: np.ndarray, lexical: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Convex combination of min-max normalised scores over the allowed passages."""
    fused = np.full(len(dense), -np.inf, dtype=np.float32)
    fused[allowed] = DENSE_WEIGHT * _min_max(dense[allowed]) + (1 - DENSE_WEIGHT) * _min_max(lexical[allowed])
    return fused
