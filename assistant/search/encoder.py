"""What the index and retrieval need from an embedding model (the real one, or a stand-in for tests and benchmarks)."""

from __future__ import annotations

import logging
import threading
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


def load_in_background(encoder: TextEncoder) -> None:
    """Have the passage model loaded by a thread (torch and the weights take seconds to load) while a document
    is being read, so its passages are embedded without that wait; a failure surfaces later, at the build."""

    def load() -> None:
        try:
            encoder.encode_passages(["."])
        except Exception as error:
            logging.getLogger(__name__).warning("Loading the passage model ahead failed: %r", error)

    threading.Thread(target=load, name="load-passage-model", daemon=True).start()
