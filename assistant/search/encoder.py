"""What the index and retrieval need from an embedding model (the real one, or a stand-in for tests and benchmarks)."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from assistant.search.model_files import ModelInfo


class TextEncoder(Protocol):
    """Encodes queries and passages into normalised float32 vectors, with the model's prefixes."""

    info: ModelInfo
    query_prefix: str
    passage_prefix: str

    @property
    def dimension(self) -> int: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...
