"""Bridges from a question's words to the documents' words: synonyms they use, and near words in the model's space.

A question's word that the documents never use ("förtroendevalda", "personalchef") is bridged to words they
do use for the same thing ("politiker", "HR"):

- synonyms (``thesaurus.py``: the municipal terms, then ``mythes-sv``), kept at build time only where the
  documents use the synonym, so a question is never bridged to a word the documents lack;
- failing those, the documents' words nearest to it in the embedding model's space (their vectors are
  computed at build time and stored with the index; the question's word is encoded when it is asked).

A bridged word counts for BM25 (its bridge's words as extra query terms, at a lower weight), for what the
documents cover and for the "använder inte ordet" notice, which must not fire when the report says the same
thing in other words; the reply says what it also searched for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.search.lexical import STOPWORDS, lemma, normal_forms, tokenize, words

MIN_CHARS = 4
"""Shorter words are not bridged (mostly chat and function words the stopword list misses)."""
MAX_TARGETS = 3
"""Words a question's word is bridged to at most (the municipal terms first, then the thesaurus's order)."""
NEIGHBOUR_MIN_CHARS = 6
"""Shorter words are not looked up in the model's space: a short word's vector is mostly its spelling."""
NEIGHBOUR_MIN = 0.90
"""Cosine (question word as a query, the documents' words as passages) from which a word counts as a neighbour:
on multilingual-e5-small (2026-12-07) right neighbours such as "ledningen" → "ledning" (0.93) or "rektor" →
"rektorer" (0.92) pass, wrong ones ("lärarna" → "lärdomar" 0.88, "skolledning" → "ledning" 0.89,
"förtroendevalda" → "förvaltningsledningens" 0.87) do not.  Word vectors are weak at synonyms; the
thesaurus and the municipal terms carry most bridges."""
NEIGHBOURS = 2
WORD_VECTORS = 20_000
"""The documents' words (one inflection per lemma, the most frequent) given a vector at build time, most
frequent first: 30 MB of float32 at most; the report has 662, embedded in a few seconds."""

Encode = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Bridge:
    """A question's word the documents never use, and words they use for it (``to``: words or phrases)."""

    word: str
    to: tuple[str, ...]

    @property
    def tokens(self) -> list[str]:
        """The BM25 tokens of the words bridged to."""
        return list(dict.fromkeys(token for target in self.to for token in tokenize(target)))


def _head_form(word: str) -> str:
    return normal_forms(word)[0]


def used_by(phrase: str, forms: frozenset[str]) -> bool:
    """Whether the documents use every content word of ``phrase`` (in some inflection)."""
    content = [w for w in words(phrase) if w not in STOPWORDS]
    return bool(content) and all(_head_form(w) in forms for w in content)


def synonym_table(forms: frozenset[str], pairs: Iterable[tuple[str, str]]) -> dict[str, list[list[Any]]]:
    """For each single word the documents never use: up to ``MAX_TARGETS`` synonyms they do use, first given first.

    Keyed by the word's first normal form, a stem, where different words can meet ("lärare" and "lärd" are
    both "lar"; "läge" and "lag" both "lag"), so each key holds ``[word, synonyms]`` per word, and a question's
    word takes those of the word it is an inflection of (:meth:`Bridges.synonyms`).
    """
    table: dict[str, dict[str, list[str]]] = {}
    for word, synonym in pairs:
        if " " in word or not words(word) or used_by(word, forms) or not used_by(synonym, forms):
            continue
        targets = table.setdefault(_head_form(word), {}).setdefault(word, [])
        if len(targets) < MAX_TARGETS and synonym not in targets:
            targets.append(synonym)
    return {key: [[word, targets] for word, targets in sources.items()] for key, sources in table.items()}


def vector_words(texts: Iterable[str]) -> list[str]:
    """The documents' words to give a vector: content words, one inflection per lemma, most frequent first."""
    counts = Counter(w for text in texts for w in words(text) if len(w) >= MIN_CHARS and w.isalpha())
    chosen: dict[str, str] = {}
    for word, _ in counts.most_common():
        if word not in STOPWORDS:
            chosen.setdefault(_head_form(word), word)
    return list(chosen.values())[:WORD_VECTORS]


@dataclass(frozen=True)
class BridgeTable:
    """What an index stores to bridge words: the synonym table and the documents' words with their vectors."""

    synonyms: dict[str, list[list[Any]]]
    words: list[str]
    vectors: np.ndarray  # one row per word (float32, normalised), or shape (0, d)

    @classmethod
    def from_dict(cls, data: dict[str, Any], vectors: np.ndarray) -> BridgeTable:
        """The table from ``bridges.json`` (``synonyms``: :func:`synonym_table`; ``words``: :func:`vector_words`)
        and ``word_vectors.npy``."""
        return cls(dict(data["synonyms"]), list(data["words"]), vectors)


class Bridges:
    """Bridges a question's words against the documents' forms, with the stored table and the query encoder."""

    def __init__(self, table: BridgeTable, forms: frozenset[str], encode: Encode | None) -> None:
        self.table = table
        self.forms = forms
        self.encode = encode if len(table.words) else None

    def absent(self, text: str) -> list[str]:
        """The words of ``text`` worth bridging: content words none of whose forms the documents use."""
        return [
            w
            for w in dict.fromkeys(words(text))
            if len(w) >= MIN_CHARS and w not in STOPWORDS and not w.isdigit() and not set(normal_forms(w)) & self.forms
        ]

    def of(self, text: str) -> tuple[Bridge, ...]:
        """A bridge for each word of ``text`` the documents never use and have other words for."""
        absent = self.absent(text)
        found = {w: self.synonyms(w) for w in absent}
        unbridged = [w for w in absent if not found[w] and len(w) >= NEIGHBOUR_MIN_CHARS]
        if unbridged and self.encode is not None:
            found.update(zip(unbridged, self._neighbours(unbridged), strict=True))
        return tuple(Bridge(w, found[w]) for w in absent if found[w])

    def synonyms(self, word: str) -> tuple[str, ...]:
        """The synonyms of the thesaurus word that ``word`` is, or is an inflection of (its lemma).

        Sharing a stem or a beginning is not enough: "kostar" (kosta) is not "kost" (food), "nämns" (nämna) not
        "nämnd", "bussen" not "bussig"; each took the other's synonyms when a shared beginning sufficed."""
        for form in dict.fromkeys((word, lemma(word))):
            for source, targets in self.table.synonyms.get(_head_form(form), []):
                if source == form:
                    return tuple(targets)
        return ()

    def _neighbours(self, words: list[str]) -> list[tuple[str, ...]]:
        assert self.encode is not None
        cosines = self.encode(words) @ self.table.vectors.T
        best = np.argsort(-cosines, axis=1)[:, :NEIGHBOURS]
        return [tuple(self.table.words[j] for j in row if cosines[i, j] >= NEIGHBOUR_MIN) for i, row in enumerate(best)]
