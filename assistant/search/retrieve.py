"""Hybrid retrieval: passages and their sentences (FAISS) beside BM25, ranked by a small learned model.

Each side (FAISS over passage vectors, BM25 over passage words) contributes its top candidates; every
candidate then gets named features (``features.py``: passage and sentence cosines, BM25, kind, speaker
match, intent × kind) and the learned ranker scores them.  The query vector first passes the learned
adapter when one was trained for this model.  Filters are boolean masks (cached per filter combination)
that restrict both searches before ranking, so a filtered query still gets its full ``k`` results and
no Python loop runs over all passages per query.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal, get_args

import faiss
import numpy as np

from assistant.documents.names import name_key, resolve_document
from assistant.documents.passages import KIND_LABELS, Kind, Passage
from assistant.errors import InputError
from assistant.search.bm25 import bm25_scores
from assistant.search.conversation import own_words_of
from assistant.search.dense import search as dense_search
from assistant.search.encoder import TextEncoder
from assistant.search.features import PASSAGE_VECTOR_WEIGHT, PassageFacts, passage_features
from assistant.search.index import Index
from assistant.search.learned import LinearModel
from assistant.search.lexical import tokenize
from assistant.search.query import Query
from assistant.search.vector_file import VectorFile

Method = Literal["fused", "dense", "bm25"]
METHODS: tuple[Method, ...] = get_args(Method)
DEFAULT_KINDS: tuple[Kind, ...] = ("quote", "tip", "paragraph")
"""Footnotes (mostly bare URLs) are searched only when asked for with the kind filter."""


MIX_MARGIN = 0.02
"""A follow-up probability this near 0 or 1 ranks one reading only (the other's share cannot move a passage)."""


@dataclass(frozen=True)
class SearchSettings:
    """How widely retrieval looks before the learned ranker orders what it found."""

    candidates: int = 200
    """Passages each side (FAISS, BM25) contributes before exact scoring and ranking: more than the report
    has (65), and at 100,000 synthetic passages enough for recall@10 0.999 against exact search
    (docs/scale.md); more costs the ranker's features per candidate."""
    bridge_weight: float = 0.5
    """BM25 weight of a word a question's word is bridged to (``bridges.py``), against 1 for the question's own
    words: a synonym is evidence, less sure than the word itself.  Against 0, cross-validated ranker hit@1 0.722 →
    0.729 (docs/evaluation.md, 2026-12-07); other values not tried."""


@dataclass(frozen=True)
class Filters:
    """Optional restrictions; ``None`` means any."""

    municipality: str | None = None
    role: str | None = None
    kind: str | None = None
    document: str | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its score, the two scores it came from, and its best sentences.

    ``score`` is, for the learned ranking, the passage's probability relative to the best hit's
    (1.0 for the first hit); for the ``dense`` and ``bm25`` methods that side's own score.

    ``sentences`` are the passage's sentences that matched the query best, verbatim
    (substrings of ``passage.text``), best first, with their cosine similarity to
    the query in ``sentence_scores``.
    """

    passage: Passage
    score: float
    dense: float
    lexical: float
    logit: float = 0.0  # the learned ranker's raw score (fused method)
    sentences: tuple[str, ...] = ()
    sentence_scores: tuple[float, ...] = ()


@dataclass(frozen=True)
class Candidates:
    """The passages a query ranks (positions in the index), with the scores and features they are ranked by."""

    positions: np.ndarray
    features: np.ndarray
    passage_cos: np.ndarray
    sentences: list[np.ndarray]  # each candidate's sentence cosines, in text order
    bm25: np.ndarray

    @classmethod
    def none(cls) -> Candidates:
        empty = np.empty(0, dtype=np.float32)
        return cls(np.empty(0, dtype=np.int64), np.empty((0, 0), dtype=np.float32), empty, [], empty)

    @cached_property
    def dense(self) -> np.ndarray:
        """Passage cosine mixed with the best sentence's (the ``dense`` method's score).

        Cached: every hit reads it, and recomputing it over a few hundred candidates per hit cost about
        0.5 ms each (measured at 100,000 passages)."""
        return _dense(self.passage_cos, self.sentences)


def _dense(passage_cos: np.ndarray, sentences: list[np.ndarray]) -> np.ndarray:
    """Each passage's dense score: its cosine mixed with its best sentence's (``PASSAGE_VECTOR_WEIGHT``)."""
    best = np.array([c.max() if len(c) else p for c, p in zip(sentences, passage_cos, strict=True)])
    return (PASSAGE_VECTOR_WEIGHT * passage_cos + (1 - PASSAGE_VECTOR_WEIGHT) * best).astype(np.float32)


def _resolve(value: str | None, choices: Mapping[str, str], unknown: str) -> str | None:
    """Match a user's filter value (any case, å/ä/ö optional) to a known value."""
    if value is None or not value.strip():
        return None
    found = choices.get(name_key(value))
    if found is None:
        options = ", ".join(sorted(set(choices.values())))
        raise InputError(f"{unknown}: {value.strip()[:60]!r}. Välj en av: {options}.")
    return found


def _search(
    index: faiss.Index, vectors: VectorFile | np.ndarray, vector: np.ndarray, mask: np.ndarray, k: int
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


class Retriever:
    """Ranks an index's passages for a question."""

    def __init__(
        self,
        index: Index,
        embedder: TextEncoder,
        ranker: LinearModel,
        adapter: np.ndarray | None = None,
        settings: SearchSettings = SearchSettings(),
    ) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder
        self.ranker = ranker
        self.adapter = adapter
        passages = index.passages
        self.municipalities = {name_key(m): m for m in passages.values("municipality") if m}
        self.municipality_names = sorted(set(self.municipalities.values()))
        self.roles = {name_key(r): r for r in passages.values("role") if r}
        kinds = set(passages.values("kind"))
        self.kinds = {name_key(k): k for k in kinds}
        self.kinds.update({name_key(label): kind for kind, label in KIND_LABELS.items() if kind in kinds})
        self.documents = index.manifest.corpus.names
        self.facts = PassageFacts.of(passages, index.text_facts)
        self._first_sentence = np.searchsorted(index.sentence_owner, np.arange(len(passages) + 1))
        self.allowed_mask = lru_cache(maxsize=64)(self._allowed_mask)
        self.encode = lru_cache(maxsize=256)(self._encode)
        """Cached: a conversation turn embeds the question, its topic and both together, some more than once."""
        self.question_vector = lru_cache(maxsize=256)(self._question_vector)
        """Cached: the answered decision reads the question's own vector, which ranking has just encoded."""

    def normalise(self, filters: Filters) -> Filters:
        """Canonical filter values; InputError for unknown ones."""
        return Filters(
            municipality=_resolve(filters.municipality, self.municipalities, "Okänd kommun"),
            role=_resolve(filters.role, self.roles, "Okänd roll"),
            kind=_resolve(filters.kind, self.kinds, "Okänd typ"),
            document=self._document(filters.document),
        )

    def _document(self, name: str | None) -> str | None:
        """The document key a filter names (file name, key or title: ``resolve_document``); None for any."""
        return resolve_document(name, self.documents).key if name and name.strip() else None

    def _allowed_mask(self, filters: Filters) -> np.ndarray:
        """Which passages pass the (normalised) filters; computed once per combination, from the columns."""
        passages = self.index.passages
        mask = passages.having("kind", [filters.kind] if filters.kind else DEFAULT_KINDS)
        if filters.role is not None:
            mask &= passages.having("role", [filters.role])
        if filters.municipality is not None:
            mask &= passages.having("municipality", [filters.municipality]) | passages.texts.containing(
                filters.municipality
            )
        if filters.document is not None:
            mask &= passages.having("document", [filters.document])
        return mask

    def _question_vector(self, text: str) -> np.ndarray:
        """The query vector (1 × d) as the model gives it, before the adapter."""
        return self.embedder.encode_queries([text])

    def _encode(self, text: str) -> np.ndarray:
        """The query vector (1 × d), through the learned adapter when there is one for this model."""
        vector = self.question_vector(text)
        if self.adapter is None:
            return vector
        adapted = vector @ self.adapter.T
        return (adapted / np.linalg.norm(adapted, axis=1, keepdims=True)).astype(np.float32)

    def candidates(self, query: Query, filters: Filters = Filters(), among: np.ndarray | None = None) -> Candidates:
        """The passages worth ranking for ``query`` under ``filters`` (or exactly ``among``), with their features."""
        mask = self.allowed_mask(self.normalise(filters))
        if not mask.any():
            return Candidates.none()
        vector, lexical = self._search_scores(query, mask)
        return self._scored(query, vector, lexical, self._candidates(vector, lexical, mask) if among is None else among)

    def _search_scores(self, query: Query, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The query vector and every passage's BM25 score (0 for an English question: Swedish BM25 has nothing
        to match there)."""
        vector = self.encode(query.search_text)
        lexical = self._lexical_scores(query, mask) if query.language == "sv" else np.zeros(len(mask))
        return vector, lexical.astype(np.float32)

    def _scored(self, query: Query, vector: np.ndarray, lexical: np.ndarray, positions: np.ndarray) -> Candidates:
        """The passages at ``positions`` with their scores and features for ``query``."""
        passage, sentences = self._dense_scores(vector, positions)
        bm25 = lexical[positions]
        own, near, own_bm25 = self._conversation_scores(query, positions)
        features = passage_features(query, self.facts, positions, passage, sentences, bm25, own, near, own_bm25)
        return Candidates(positions, features, passage, sentences, bm25)

    def rank(self, query: Query | str, filters: Filters = Filters(), method: Method = "fused") -> Ranking:
        """Every candidate for ``query`` under ``filters``, scored.

        ``fused`` ranks by the learned model; ``dense`` and ``bm25`` by one side alone (for comparison).
        A question in English is ranked without BM25 (Swedish BM25 has nothing to match there).
        """
        if method not in METHODS:
            raise InputError(f"Okänd sökmetod {method!r}; välj en av {', '.join(METHODS)}.")
        query = Query.plain(query) if isinstance(query, str) else query
        found = self.candidates(query, filters)
        if len(found.positions) == 0:
            score = np.empty(0, dtype=np.float32)
        elif method == "fused":
            score = self.ranker.score(found.features)
        else:
            score = found.dense if method == "dense" else found.bm25
        return Ranking(self, found, score, method == "fused")

    def rank_conversation(self, alone: Query, together: Query | None, follows: float, filters: Filters) -> Ranking:
        """A turn ranked alone and in its conversation, mixed by the probability that it ``follows`` the thread.

        Each reading's ranker scores become a softmax over the union of both candidate sets; a passage's
        score is the log of ``follows`` × its probability in the conversation + the rest × alone.  A
        probability within ``MIX_MARGIN`` of 0 or 1 ranks one reading only.
        """
        if together is None or follows <= MIX_MARGIN:
            return self.rank(alone, filters)
        if follows >= 1 - MIX_MARGIN:
            return self.rank(together, filters)
        mask = self.allowed_mask(self.normalise(filters))
        if not mask.any():
            return self.rank(together, filters)
        readings = [(q, *self._search_scores(q, mask)) for q in (alone, together)]
        among = np.union1d(*[self._candidates(vector, lexical, mask) for _, vector, lexical in readings])
        if len(among) == 0:
            return self.rank(together, filters)
        found = [self._scored(q, vector, lexical, among) for q, vector, lexical in readings]
        raw = [self.ranker.score(f.features) for f in found]
        mixed = np.logaddexp(np.log1p(-follows) + _log_softmax(raw[0]), np.log(follows) + _log_softmax(raw[1]))
        main = int(follows >= 0.5)  # the sentences and logits shown are those of the likelier reading
        return Ranking(self, found[main], mixed.astype(np.float32), True, raw[main])

    def similarity(self, first: str, second: str) -> float:
        """The cosine of two texts embedded as queries (a question and its conversation's topic)."""
        return float(self.encode(first)[0] @ self.encode(second)[0])

    def best_cosine(self, text: str) -> float:
        """The dense score of ``text``'s best passage among those searched by default: how well it stands alone."""
        mask = self.allowed_mask(Filters())
        vector, lexical = self._search_scores(Query.plain(text), mask)
        positions = self._candidates(vector, lexical, mask)
        return float(_dense(*self._dense_scores(vector, positions)).max()) if len(positions) else 0.0

    def cited_similarity(self, text: str, cited: tuple[str, ...]) -> float:
        """The cosine of ``text`` (as a query) to the nearest of the ``cited`` passages (ids); 0 with none found."""
        found = np.array([p for p in map(self.index.passages.position, cited) if p is not None], dtype=np.int64)
        return float((self.index.vectors[found] @ self.encode(text)[0]).max()) if len(found) else 0.0

    def search(
        self, query: Query | str, k: int = 8, filters: Filters = Filters(), method: Method = "fused"
    ) -> list[Hit]:
        """The ``k`` best passages for ``query`` under ``filters``."""
        return self.rank(query, filters, method).top(k)

    def _candidates(self, vector: np.ndarray | None, lexical: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Allowed passages among the ``settings.candidates`` best of either side (FAISS for the model, BM25)."""
        wanted = self.settings.candidates
        picked = [_top(lexical, wanted)]
        if vector is not None:
            picked.append(_search(self.index.dense, self.index.vectors, vector, mask, wanted)[0])
        candidates = np.union1d(*picked) if len(picked) == 2 else picked[0]
        if len(candidates) == 0:
            candidates = np.flatnonzero(mask)[:wanted]
        return candidates[mask[candidates]].astype(np.int64)

    def _conversation_scores(
        self, query: Query, candidates: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        """For a question read in its conversation: the candidates' dense score for the question alone, their
        passage cosine to the passage the previous reply led with, and their BM25 score for the question's own
        words, question words left out ("säger" in "Vad säger HR om det?"; None for a question read alone)."""
        if not query.follow_up:
            return None, None, None
        own = _dense(*self._dense_scores(self.encode(query.text), candidates))
        lead = self.index.passages.position(query.cited[0]) if query.cited else None
        near = None if lead is None else (self.index.vectors[candidates] @ self.index.vectors[lead : lead + 1].T)[:, 0]
        own_words = tokenize(own_words_of(query.text)) if query.language == "sv" else []
        everywhere = np.ones(len(self.index.passages), dtype=bool)
        return own, near, bm25_scores(self.index.bm25, own_words, everywhere)[candidates]

    def _dense_scores(self, vector: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each candidate's passage cosine, and its sentences' cosines."""
        query = vector[0]
        passage = self.index.vectors[candidates] @ query
        starts = self._first_sentence[candidates]
        counts = self._first_sentence[candidates + 1] - starts
        offsets = np.cumsum(counts) - counts
        rows = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - offsets, counts)
        cosines = self.index.sentence_vectors[rows] @ query
        ends = (offsets + counts).tolist()
        sentences = [cosines[a:b] for a, b in zip(offsets.tolist(), ends, strict=True)]  # np.split is slower
        return passage.astype(np.float32), sentences

    def _lexical_scores(self, query: Query, mask: np.ndarray) -> np.ndarray:
        """BM25 score of every passage (0 for those the filters exclude), bridged words at ``bridge_weight``."""
        tokens = tokenize(query.search_text)
        bridged = [t for bridge in query.bridges for t in bridge.tokens if t not in tokens]
        if not tokens and not bridged:
            return np.zeros(len(mask), dtype=np.float32)
        weights = dict.fromkeys(bridged, self.settings.bridge_weight)
        return bm25_scores(self.index.bm25, tokens + list(dict.fromkeys(bridged)), mask, weights)

    def hit(self, found: Candidates, j: int, score: float, logit: float) -> Hit:
        """Candidate ``j`` as a Hit with the passage's sentences, best cosine to the query first."""
        position = int(found.positions[j])
        passage = self.index.passages[position]
        spans = self.index.sentence_spans[self._first_sentence[position] : self._first_sentence[position + 1]]
        cosines = found.sentences[j]
        order = np.argsort(-cosines, kind="stable")
        texts = tuple(passage.text[spans[i][0] : spans[i][1]] for i in order)
        dense, lexical = float(found.dense[j]), float(found.bm25[j])
        return Hit(passage, score, dense, lexical, logit, texts, tuple(float(cosines[i]) for i in order))


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores.astype(np.float64) - scores.max()
    return shifted - np.log(np.exp(shifted).sum())


@dataclass(frozen=True)
class Ranking:
    """A query's scored candidates, from which the best hits (of any kind, or of one) are taken.

    ``logits`` are the ranker's raw scores when ``score`` is something else (a conversation's mixture).
    """

    retriever: Retriever
    found: Candidates
    score: np.ndarray
    learned: bool
    logits: np.ndarray | None = None

    def top(self, k: int, kind: Kind | None = None) -> list[Hit]:
        """The ``k`` best candidates (of ``kind``), best first.

        For the learned ranking a hit's score is its probability relative to the best candidate's.
        """
        if k <= 0 or len(self.score) == 0:
            return []
        order = np.argsort(-self.score, kind="stable")
        if kind is not None:
            kinds = self.retriever.facts.kinds[self.found.positions[order]]
            order = order[kinds == kind]
        return self._hits(order[:k])

    def among(self, ids: Collection[str]) -> list[Hit]:
        """The candidates that are the passages ``ids``, at whatever rank, best first."""
        positions = [p for p in map(self.retriever.index.passages.position, ids) if p is not None]
        if not positions or len(self.score) == 0:
            return []
        order = np.argsort(-self.score, kind="stable")
        return self._hits(order[np.isin(self.found.positions[order], positions)])

    def _hits(self, order: np.ndarray) -> list[Hit]:
        best = float(self.score.max())
        return [
            self.retriever.hit(
                self.found,
                int(j),
                float(np.exp(self.score[j] - best)) if self.learned else float(self.score[j]),
                float((self.score if self.logits is None else self.logits)[j]) if self.learned else 0.0,
            )
            for j in order
        ]
