"""What a build is made of (``manifest.json``): corpus, model, format and library versions."""

from __future__ import annotations

import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

from assistant.documents.corpus import DocumentSummary
from assistant.documents.names import DocumentName
from assistant.search import dense as dense_index

FORMAT_VERSION = 8
"""The on-disk layout's version; a build of another one is rebuilt, never read.  6: passages by column
(passage_store.py), sentences as ``.npy`` files, the speller's words stored.  7: a passage's ``reading`` (OCR),
the bridges (bridges.py), and each document's summary in the manifest, so pages and handlers list the
documents without parsing them.  8: a label's colon ends no sentence (the stored sentence units)."""
LIBRARIES = ("sentence-transformers", "transformers", "torch", "faiss-cpu", "bm25s", "PyStemmer")


@dataclass(frozen=True)
class CorpusRecord:
    """The corpus a build was made from: where, its fingerprint, which documents were read or skipped."""

    path: str
    sha256: str
    documents: list[str]
    skipped: list[str]
    summaries: list[DocumentSummary] = field(default_factory=list)
    """Each document read: title, format, pages, passages by kind, sha256 (the documents panel, ``corpus list``)."""

    @property
    def names(self) -> list[DocumentName]:
        """The indexed documents' names, for :func:`~assistant.documents.names.resolve_document`."""
        return [DocumentName(s.document, s.name, s.title) for s in self.summaries]


@dataclass(frozen=True)
class ModelRecord:
    """The model a build was embedded with, and the prefixes its queries must use."""

    name: str
    path: str
    fingerprint: str
    dimension: int
    query_prefix: str
    passage_prefix: str


@dataclass(frozen=True)
class Manifest:
    """What a build is made of (``manifest.json``): staleness checks and ``index status`` read it."""

    format: int
    built_at: str
    corpus: CorpusRecord
    model: ModelRecord
    passages: int
    libraries: dict[str, str]
    dense: str = dense_index.FLAT
    """The kind of passage vector index (``flat`` or ``ivf-sq8``)."""
    pending_sentences: int = 0
    """Sentences whose vector is still their passage's, to be embedded in the background after an upload
    (``build.complete_sentences``); meanwhile those passages are ranked by their passage vectors."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """The manifest in ``data``; ValueError when it has another format, KeyError/TypeError when malformed."""
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"manifest format {data.get('format')!r}, expected {FORMAT_VERSION}")
        return cls(
            format=data["format"],
            built_at=data["built_at"],
            corpus=CorpusRecord(**data["corpus"] | {"summaries": [_summary(s) for s in data["corpus"]["summaries"]]}),
            model=ModelRecord(**data["model"]),
            passages=data["passages"],
            libraries=data["libraries"],
            dense=data["dense"],
            pending_sentences=data.get("pending_sentences", 0),
        )


def _summary(data: dict[str, Any]) -> DocumentSummary:
    return DocumentSummary(**data | {"notes": tuple(data["notes"])})


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions
