"""The index on disk, loaded: passages, vectors, FAISS, BM25 and a manifest.

Layout under the index directory::

    current -> builds/<build id>      (a symlink, replaced atomically)
    builds/<build id>/manifest.json   (corpus hash, model and weights hash, versions …)
    builds/<build id>/passages/       (the passages by column, texts memory-mapped: see passage_store.py)
    builds/<build id>/vectors.npy     (the passages' normalised float32 embeddings, rows read on demand: exact cosines)
    builds/<build id>/dense.faiss     (flat or IVF-SQ8 over those vectors, by size: see dense.py)
    builds/<build id>/bm25/           (bm25s index over the passages' normal forms, its postings memory-mapped)
    builds/<build id>/sentence_owner.npy, sentence_spans.npy  (each sentence unit's owner passage and character span)
    builds/<build id>/sentence_vectors.npy  (the sentence units' embeddings, rows read on demand)
    builds/<build id>/coverage.json   (each document's word forms, places and years, see coverage.py)
    builds/<build id>/forms.json      (normal forms of the corpus's and common Swedish words, see lexical.py)
    builds/<build id>/words.json      (the corpus's words, which the speller mends towards, see query.py)
    builds/<build id>/text_facts.npy  (what the ranker reads from each passage's text, see features.py)
    builds/<build id>/bridges.json, word_vectors.npy  (synonyms the documents use, their words' vectors: bridges.py)
    vector-cache/<model key>.npz      (embeddings by model and text, see vector_cache.py)
    .lock                             (held during a build)

Building it is :mod:`assistant.search.build`; this module loads it.  Vectors are read back row by
row (vector_file.py), so a loaded index never holds a million passages' (and three million sentences')
float32 vectors in memory: a query reads only its candidates' rows.  Nor does it hold a million
passages as Python objects: they are stored by column and made when asked for.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from assistant.errors import IndexUnavailable
from assistant.search import dense as dense_index
from assistant.search.bridges import BridgeTable
from assistant.search.coverage import Coverage
from assistant.search.lexical import use_stored_forms
from assistant.search.manifest import Manifest
from assistant.search.passage_store import FILES as PASSAGE_FILES
from assistant.search.passage_store import PassageStore
from assistant.search.vector_file import VectorFile

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)

CURRENT = "current"
BUILDS = "builds"
FILES = (
    "manifest.json",
    *PASSAGE_FILES,
    "vectors.npy",
    "dense.faiss",
    "bm25/params.index.json",
    "sentence_owner.npy",
    "sentence_spans.npy",
    "sentence_vectors.npy",
    "coverage.json",
    "forms.json",
    "words.json",
    "text_facts.npy",
    "bridges.json",
    "word_vectors.npy",
)
VECTOR_FILES = ("vectors.npy", "sentence_vectors.npy")
"""Read a few rows at a time (vector_file.py): they stay in the page cache, outside the process."""
PARSED = ("coverage.json", "forms.json", "words.json", "bridges.json", "bm25/vocab.index.json", "passages/values.json")
"""Files a loaded index parses into Python objects; every other file is held or memory-mapped as it is."""
JSON_OBJECT_FACTOR = 12.5
"""Memory of the parsed files' Python objects (dicts, sets, strings) over their size on disk: 190 MB for 15 MB
at 200,000 synthetic passages (forms 16×, words and BM25's vocabulary 11×, coverage 8×)."""
PER_PASSAGE_BYTES = 40
"""The retriever's arrays per passage (kinds, roles and towns as object arrays, the text facts' columns,
first-sentence offsets, the default filter's mask): 34 bytes measured at 200,000 passages."""


@dataclass
class Index:
    """A loaded index: everything retrieval needs, in memory."""

    path: Path
    manifest: Manifest
    passages: PassageStore
    dense: faiss.Index
    vectors: VectorFile  # the passages' exact vectors
    bm25: bm25s.BM25
    sentence_owner: np.ndarray  # passage position of each sentence, ascending (memory-mapped)
    sentence_spans: np.ndarray  # (start, end) of each sentence in its passage's text (memory-mapped)
    sentence_vectors: VectorFile
    coverage: dict[str, Coverage]  # per document
    words: set[str]  # the corpus's words, for the speller
    text_facts: np.ndarray  # the passages' features.text_facts
    bridges: BridgeTable


def current_build(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    return link.resolve() if link.is_dir() else None


def _load_manifest(build: Path) -> Manifest:
    return Manifest.from_dict(json.loads((build / "manifest.json").read_text(encoding="utf-8")))


def read_manifest(index_dir: Path) -> Manifest | None:
    """The current build's manifest; None when there is no build or its manifest is unreadable."""
    build = current_build(index_dir)
    try:
        return _load_manifest(build) if build else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_index(index_dir: Path) -> Index:
    """Load the current build; IndexUnavailable (Swedish) when it is missing or damaged."""
    build = current_build(index_dir)
    if build is None:
        raise IndexUnavailable(f"Det finns inget index i {index_dir}.")
    missing = [name for name in FILES if not (build / name).is_file()]
    if missing:
        raise IndexUnavailable(f"Indexet i {build} är ofullständigt (saknar {', '.join(missing)}).")
    try:
        manifest = _load_manifest(build)
        passages = PassageStore(build / "passages")
        dense = dense_index.prepare(faiss.read_index(str(build / "dense.faiss")))
        vectors = VectorFile(build / "vectors.npy")
        lexical = bm25s.BM25.load(str(build / "bm25"), mmap=True, show_progress=False)
        # ndarrays over the maps: np.memmap indexes slowly
        owner = np.asarray(np.load(build / "sentence_owner.npy", mmap_mode="r"))
        spans = np.asarray(np.load(build / "sentence_spans.npy", mmap_mode="r"))
        sentence_vectors = VectorFile(build / "sentence_vectors.npy")
        coverage_data = json.loads((build / "coverage.json").read_text(encoding="utf-8"))
        coverage = {name: Coverage.from_dict(data) for name, data in coverage_data.items()}
        use_stored_forms(json.loads((build / "forms.json").read_text(encoding="utf-8")))
        corpus = set(json.loads((build / "words.json").read_text(encoding="utf-8")))
        facts = np.load(build / "text_facts.npy")
        bridge_data = json.loads((build / "bridges.json").read_text(encoding="utf-8"))
        bridges = BridgeTable.from_dict(bridge_data, np.load(build / "word_vectors.npy"))
    except Exception as error:
        raise IndexUnavailable(f"Indexet i {build} är skadat och kan inte läsas ({type(error).__name__}).") from error
    consistent = manifest.passages == len(passages) == len(facts) == dense.ntotal == len(vectors)
    consistent = consistent and len(passages) == lexical.scores["num_docs"]
    if not (consistent and len(owner) == len(spans) == len(sentence_vectors) and owner.max(initial=-1) < len(passages)):
        raise IndexUnavailable(f"Indexet i {build} är skadat: antalet stycken stämmer inte mellan filerna.")
    return Index(
        build,
        manifest,
        passages,
        dense,
        vectors,
        lexical,
        owner,
        spans,
        sentence_vectors,
        coverage,
        corpus,
        facts,
        bridges,
    )


@dataclass(frozen=True)
class Footprint:
    """A build's size on disk and the memory a loaded copy needs (for ``assistant index status``)."""

    disk_bytes: int
    memory_bytes: int
    """Expected resident memory: every file but the vectors as it is (mapped or held), the PARSED ones as Python
    objects (by JSON_OBJECT_FACTOR), and the retriever's per-passage arrays (PER_PASSAGE_BYTES)."""
    mapped_bytes: int
    """The vector files: not in the process's memory; a query reads only its candidates' rows (``pread``), which the
    kernel's page cache holds (``VectorFile`` asks it to read the files in at load)."""


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.is_file() else 0


def footprint(build: Path) -> Footprint:
    """What ``build`` takes on disk and in memory."""
    disk = _size(build)
    vectors = sum(_size(build / name) for name in VECTOR_FILES)
    parsed = sum(_size(build / name) for name in PARSED)
    passages = int(json.loads((build / "manifest.json").read_text(encoding="utf-8"))["passages"])
    memory = disk - vectors + int((JSON_OBJECT_FACTOR - 1) * parsed) + PER_PASSAGE_BYTES * passages
    return Footprint(disk, memory, vectors)
