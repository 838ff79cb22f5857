"""A synthetic corpus of N passages for speed measurements: the report's sentences recombined, no model time.

Passages are 2–6 report sentences drawn at random (seeded), written as a
Markdown document under numbered headings, so the real corpus, index and
retrieval code build and load it.  Their vectors come from
:class:`RecombinedEmbedder`: the sum of the real vectors of the report
sentences a text contains, normalised — realistic vectors without running the
model on every synthetic text.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from assistant.documents.passages import Passage
from assistant.documents.sentences import sentence_spans, sentences
from assistant.search.embeddings import Embedder
from assistant.search.model_files import ModelInfo

PASSAGES_PER_SECTION = 25
SENTENCES_PER_PASSAGE = (2, 6)


def report_sentences(passages: list[Passage]) -> list[str]:
    """The distinct sentences of the report's quotes, tips and paragraphs."""
    return list(dict.fromkeys(s for p in passages if p.kind != "footnote" for s in sentences(p.text)))


def write_corpus(pool: list[str], count: int, directory: Path, seed: int = 0) -> Path:
    """Write ``count`` recombined passages as one Markdown document in ``directory``."""
    chooser = random.Random(seed)
    lines = []
    for number in range(count):
        if number % PASSAGES_PER_SECTION == 0:
            lines.append(f"# Avsnitt {number // PASSAGES_PER_SECTION + 1}\n")
        size = chooser.randint(*SENTENCES_PER_PASSAGE)
        lines.append(" ".join(chooser.choice(pool) for _ in range(size)) + f" (nr {number})\n")
    path = directory / "syntetisk.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class RecombinedEmbedder:
    """Passages embedded as the normalised sum of their report sentences' real vectors; queries by the model."""

    def __init__(self, embedder: Embedder, pool: list[str]) -> None:
        self.embedder = embedder
        self.info = ModelInfo(f"{embedder.info.name} (recombined)", embedder.info.path, "synthetic:recombined")
        self.dimension = embedder.dimension
        self.query_prefix, self.passage_prefix = embedder.query_prefix, embedder.passage_prefix
        self._vectors = dict(zip(pool, embedder.encode_passages(pool), strict=True))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode_queries(texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            body = text.split(": ", 1)[-1]  # after the context the index puts first
            for start, end in sentence_spans(body):
                vector = self._vectors.get(body[start:end])
                if vector is not None:
                    out[row] += vector
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)
