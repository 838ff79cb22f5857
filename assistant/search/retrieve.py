"""Hybrid retrieval: passages and their sentences (FAISS) beside BM25, fused, with filters inside the search.

A passage's dense score mixes its own vector with its best sentence's; BM25
scores whole passages.  Each side contributes its top candidates; the union is
fused by min-max normalised scores; a role or municipality named in the
question lifts that speaker's quotes.  Filters are boolean masks (cached per
filter combination) that restrict both searches before ranking, so a filtered
query still gets its full ``k`` results and no Python loop runs over all
passages per query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import faiss
import numpy as np

from assistant.documents.passages import KIND_LABELS, Kind, Passage
from assistant.errors import InputError
from assistant.search.bm25 import bm25_scores
from assistant.search.dense import search as dense_search
from assistant.search.encoder import TextEncoder
from assistant.search.index import Index
from assistant.search.lexical import FOLD, tokenize
from assistant.search.speakers import Speaker, named_speaker

METHODS = ("fused", "dense", "bm25")
DEFAULT_KINDS: tuple[Kind, ...] = ("quote", "tip", "paragraph")
"""Footnotes (mostly bare URLs) are searched only when asked for with the kind filter."""
DENSE_WEIGHT = 0.7
"""Weight of the dense score in the fusion; chosen on the development set (README, "What we tried")."""
PASSAGE_VECTOR_WEIGHT = 0.5
"""Dense score = this × passage cosine + the rest × best sentence cosine (same source)."""
ROLE_BOOST = 0.05
"""Added to the fused score (0–1) of a quote whose speaker has the role the question names."""
MUNICIPALITY_BOOST = 0.1
"""Added to the fused score of a passage by or about the municipality the question names."""
CANDIDATES = 200
"""Passages each side (FAISS, BM25) contributes before exact scoring and fusion; more than the report has."""


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
    (substrings of ``passage.text``), best first, with their cosine similarity to
    the query in ``sentence_scores``.
    """

    passage: Passage
    score: float
    dense: float
    lexical: float
    sentences: tuple[str, ...] = ()
    sentence_scores: tuple[float, ...] = ()


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


def _search(
    index: faiss.Index, vectors: np.ndarray, vector: np.ndarray, mask: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Ids and scores of the ``k`` best passage vectors that ``mask`` allows, on whichever index was built."""
    return dense_search(index, vectors, vector, mask, k)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest positive scores, best first (ties by position), without sorting them all."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        # Everything scoring at least the k-th best, so ties at the cut are resolved by position as in a full sort.
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth]
    return positive[np.argsort(-scores[positive], kind="stable")[:k]]


def _min_max(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def fuse(dense: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Convex combination of min-max normalised scores of the same candidates."""
    return DENSE_WEIGHT * _min_max(dense) + (1 - DENSE_WEIGHT) * _min_max(lexical)


class Retriever:
    """Ranks an index's passages for a question."""

    def __init__(self, index: Index, embedder: TextEncoder) -> None:
        self.index = index
        self.embedder = embedder
        passages = index.passages
        self.municipalities = {_key(p.municipality): p.municipality for p in passages if p.municipality}
        self.municipality_names = sorted(set(self.municipalities.values()))
        self.roles = {_key(p.role): p.role for p in passages if p.role}
        self.kinds = {_key(k): k for k in {p.kind for p in passages}}
        self.kinds.update({_key(KIND_LABELS[k]): k for k in set(self.kinds.values())})
        self.documents = {_key(p.document): p.document for p in passages}
        self._roles = np.array([p.role or "" for p in passages], dtype=object)
        self._first_sentence = np.searchsorted(index.sentence_owner, np.arange(len(passages) + 1))
        self.allowed_mask = lru_cache(maxsize=64)(self._allowed_mask)

    def normalise(self, filters: Filters) -> Filters:
        """Canonical filter values; InputError for unknown ones."""
        return Filters(
            municipality=_resolve(filters.municipality, self.municipalities, "kommun"),
            role=_resolve(filters.role, self.roles, "roll"),
            kind=_resolve(filters.kind, self.kinds, "typ"),
            document=_resolve(filters.document, self.documents, "dokument"),
        )

    def _allowed_mask(self, filters: Filters) -> np.ndarray:
        """Which passages pass the (normalised) filters; computed once per combination."""
        return np.array(
            [
                (p.kind == filters.kind if filters.kind else p.kind in DEFAULT_KINDS)
                and (filters.role is None or p.role == filters.role)
                and (filters.municipality is None or _mentions(p, filters.municipality))
                and (filters.document is None or p.document == filters.document)
                for p in self.index.passages
            ],
            dtype=bool,
        )

    def allowed(self, filters: Filters) -> np.ndarray:
        """Positions of the passages that pass the filters."""
        return np.flatnonzero(self.allowed_mask(self.normalise(filters)))

    def speaker(self, query: str) -> Speaker:
        """The role and municipality the query names (for the soft boost)."""
        return named_speaker(query, self.municipality_names)

    def search(
        self, query: str, k: int = 8, filters: Filters = Filters(), method: str = "fused", use_bm25: bool = True
    ) -> list[Hit]:
        """The ``k`` best passages for ``query`` under ``filters``.

        ``use_bm25=False`` ranks by the model alone (a question in another
        language than the report's, where Swedish BM25 has nothing to match).
        """
        if method not in METHODS:
            raise InputError(f"Okänd sökmetod {method!r}; välj en av {', '.join(METHODS)}.")
        mask = self.allowed_mask(self.normalise(filters))
        if k <= 0 or not mask.any():
            return []
        vector = self.embedder.encode_queries([query]) if method != "bm25" else None
        lexical = np.zeros(len(mask), dtype=np.float32)
        if method != "dense" and (use_bm25 or method == "bm25"):
            lexical = self._lexical_scores(query, mask)
        candidates = self._candidates(vector, lexical, mask)
        dense, sentences = self._dense_scores(vector, candidates)
        if method == "fused":
            score = fuse(dense, lexical[candidates]) + self._boost(query, candidates)
        else:
            score = dense if method == "dense" else lexical[candidates]
        best = np.argsort(-score, kind="stable")[:k]
        return [
            self._hit(int(candidates[j]), float(score[j]), float(dense[j]), float(lexical[candidates[j]]), sentences[j])
            for j in best
        ]

    def _candidates(self, vector: np.ndarray | None, lexical: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Allowed passages among the CANDIDATES best of either side (FAISS for the model, BM25)."""
        picked = [_top(lexical, CANDIDATES)]
        if vector is not None:
            picked.append(_search(self.index.dense, self.index.vectors, vector, mask, CANDIDATES)[0])
        candidates = np.union1d(*picked) if len(picked) == 2 else picked[0]
        if len(candidates) == 0:
            candidates = np.flatnonzero(mask)[:CANDIDATES]
        return candidates[mask[candidates]].astype(np.int64)

    def _dense_scores(self, vector: np.ndarray | None, candidates: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each candidate's passage cosine mixed with its best sentence's, and its sentences' cosines."""
        if vector is None:
            return np.zeros(len(candidates), dtype=np.float32), [np.empty(0)] * len(candidates)
        query = vector[0]
        passage = self.index.vectors[candidates] @ query
        starts = self._first_sentence[candidates]
        counts = self._first_sentence[candidates + 1] - starts
        offsets = np.cumsum(counts) - counts
        rows = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - offsets, counts)
        cosines = self.index.sentence_vectors[rows] @ query
        ends = (offsets + counts).tolist()
        sentences = [cosines[a:b] for a, b in zip(offsets.tolist(), ends, strict=True)]  # np.split is slower
        best = passage.copy()
        has = counts > 0
        if has.any():
            best[has] = np.maximum.reduceat(cosines, offsets[has])
        return PASSAGE_VECTOR_WEIGHT * passage + (1 - PASSAGE_VECTOR_WEIGHT) * best, sentences

    def _lexical_scores(self, query: str, mask: np.ndarray) -> np.ndarray:
        """BM25 score of every passage (0 for those the filters exclude)."""
        tokens = tokenize(query)
        if not tokens:
            return np.zeros(len(mask), dtype=np.float32)
        return bm25_scores(self.index.bm25, tokens, mask)

    def _boost(self, query: str, candidates: np.ndarray) -> np.ndarray:
        """Lift quotes of the role the query names, and passages about the municipality it names."""
        speaker = self.speaker(query)
        boost = np.zeros(len(candidates), dtype=np.float32)
        if speaker.role:
            boost += ROLE_BOOST * (self._roles[candidates] == speaker.role)
        if speaker.municipality:
            about = self.allowed_mask(Filters(municipality=speaker.municipality, kind=None))
            boost += MUNICIPALITY_BOOST * about[candidates]
        return boost

    def _hit(self, position: int, score: float, dense: float, lexical: float, cosines: np.ndarray) -> Hit:
        """A Hit with the passage's sentences, best cosine to the query first."""
        passage = self.index.passages[position]
        spans = self.index.sentence_spans[self._first_sentence[position] : self._first_sentence[position + 1]]
        order = np.argsort(-cosines, kind="stable")
        texts = tuple(passage.text[spans[j][0] : spans[j][1]] for j in order)
        return Hit(passage, score, dense, lexical, texts, tuple(float(cosines[j]) for j in order))
