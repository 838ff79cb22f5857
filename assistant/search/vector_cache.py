"""Embeddings kept between builds, so a rebuild embeds only texts it has not seen.

A vector is stored under sha256(model fingerprint, passage prefix, text): the
same text embedded by the same weights with the same prefix is the same vector,
whatever document, passage or sentence it came from, so the cache serves any
list of embedded texts (passages today, sentence units as well tomorrow).  One
file per model, ``<index dir>/vector-cache/<model key>.npz``, replaced
atomically; a damaged file is ignored (everything is embedded again).  A build
keeps the vectors it used and, for :data:`KEEP_BUILDS` more builds, those it
did not: a document removed to the trash and restored soon after is not
embedded again, and the file stays near the size of the index.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DIRECTORY = "vector-cache"
KEEP_BUILDS = 10
"""How many builds an unused vector is kept: long enough for "Ångra" or ``corpus restore`` after a removal
(restoring a 209-passage PDF embedded its passages and sentences again, 90 s on 2 cores, when a build kept
only what it used), short enough that what is gone for good leaves the file."""


class VectorCache:
    """The cached vectors of one model; :meth:`encode` fills gaps, :meth:`save` writes what was used."""

    def __init__(self, index_dir: Path, model_fingerprint: str, passage_prefix: str) -> None:
        self.model_key = hashlib.sha256(f"{model_fingerprint}\0{passage_prefix}".encode()).hexdigest()
        self.path = index_dir / DIRECTORY / f"{self.model_key[:32]}.npz"
        self.ages: dict[str, int] = {}
        self.stored: dict[str, np.ndarray] = self._load()
        self.used: dict[str, np.ndarray] = {}
        self.embedded = 0
        self.reused = 0

    def _load(self) -> dict[str, np.ndarray]:
        if not self.path.is_file():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
                ages = data["ages"] if "ages" in data else np.zeros(len(keys), dtype=np.int16)
            if not len(keys) == len(vectors) == len(ages):
                raise ValueError("keys, vectors and ages differ in length")
            self.ages = {str(k): int(a) for k, a in zip(keys, ages, strict=True)}
            return {str(k): v for k, v in zip(keys, vectors, strict=True)}
        except Exception as error:  # a damaged cache only costs time: embed everything again
            log.warning("Ignoring damaged vector cache %s: %r", self.path, error)
            return {}

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_key}\0{text}".encode()).hexdigest()

    def lookup(self, text: str) -> np.ndarray | None:
        """The cached vector of ``text`` (kept at :meth:`save`), or None when it was never embedded."""
        key = self.key(text)
        vector = self.used.get(key)
        if vector is None and key in self.stored:
            vector = self.used[key] = self.stored[key]
            self.reused += 1
        return vector

    def encode(self, texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for ``texts`` in order: cached ones reused, the others embedded (once each) by ``embed``."""
        keys = [self.key(text) for text in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.stored and k not in self.used}
        if missing:
            fresh = embed(list(missing.values()))
            self.used.update(zip(missing, fresh, strict=True))
            self.embedded += len(missing)
        self.reused += len(texts) - len(missing)
        for k in keys:
            if k not in self.used:
                self.used[k] = self.stored[k]
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.used[k] for k in keys]).astype(np.float32, copy=False)

    def save(self, a_build: bool = True) -> None:
        """Write the vectors used since this cache was opened and those unused for fewer than
        :data:`KEEP_BUILDS` builds (atomically; older ones are dropped).  A save that completes a build's
        sentence vectors (``a_build`` false) ages nothing: it is the same build."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.stem}.{os.getpid()}.tmp.npz")
        kept = {key: self.ages.get(key, 0) + a_build for key in self.stored if key not in self.used}
        kept = {key: age for key, age in kept.items() if age <= KEEP_BUILDS}
        keys = np.array([*self.used, *kept], dtype="U64")
        rows = [*self.used.values(), *(self.stored[key] for key in kept)]
        vectors = np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        ages = np.array([0] * len(self.used) + list(kept.values()), dtype=np.int16)
        with temporary.open("wb") as handle:
            np.savez(handle, keys=keys, vectors=vectors, ages=ages)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
