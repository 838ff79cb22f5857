"""Building an index: parse the corpus, embed it, write a build directory and make it current.

The layout written is described in :mod:`assistant.search.index`, which loads it.  A build is written
into its own directory and only then made ``current``, so a build that is interrupted (even by SIGKILL)
leaves the previous index serving; a lock file keeps two builds from running at once.  Vectors are
embedded in chunks straight into ``.npy`` files, so a build never holds a million passages' vectors.

After an upload the new document must be searchable in seconds, and its sentences (four or five per
passage) take most of the embedding time: ``sentences_later`` makes a build current with each new
sentence standing in by its passage's vector, and :func:`complete_sentences` embeds them afterwards
into a copy of that build (its other files hard-linked) made current the same atomic way.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import bm25s
import faiss
import numpy as np
from wordfreq import top_n_list

from assistant.documents.corpus import ParsedDocuments, corpus_fingerprint, load_corpus
from assistant.documents.passages import Passage
from assistant.errors import IndexUnavailable
from assistant.search import dense as dense_index
from assistant.search.bridges import synonym_table, vector_words
from assistant.search.coverage import document_coverage
from assistant.search.embeddings import Say
from assistant.search.encoder import TextEncoder
from assistant.search.features import text_facts
from assistant.search.index import (
    BUILDS,
    CURRENT,
    Index,
    current_build,
    load_index,
    read_manifest,
)
from assistant.search.lexical import forms_table, tokenize, words
from assistant.search.manifest import FORMAT_VERSION, CorpusRecord, Manifest, ModelRecord, library_versions
from assistant.search.passage_store import PassageStore, write_passages
from assistant.search.query import corpus_words
from assistant.search.speakers import role_words
from assistant.search.thesaurus import synonym_pairs
from assistant.search.units import SentenceUnits, passage_text, sentence_units
from assistant.search.vector_cache import VectorCache

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)

STORED_COMMON_WORDS = 20_000
"""The most common Swedish words (wordfreq) whose normal forms a build stores beside its own words: most
questions' words are among them, so ``ask`` does not load simplemma's dictionary (1–2 s; 0.2 s to build)."""
VECTOR_CACHE_LIMIT = 400_000
"""Texts (passages and sentences) up to which the vector cache is used: it keeps every vector in memory
(400,000 × 384 float32 ≈ 600 MB), so a larger corpus is embedded in chunks straight to disk instead."""
EMBED_CHUNK = 65_536
"""Texts embedded and written at a time (100 MB of float32 vectors)."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI and the chat."""

    path: Path
    passages: int
    documents: list[str]
    skipped: list[str]
    seconds: float
    embedded: int = 0
    """Texts embedded by the model in this build; the others came from the vector cache."""
    reused: int = 0
    pending: int = 0
    """Sentences left standing in by their passage's vector, for :func:`complete_sentences`."""


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the index directory for the duration of a build."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: TextEncoder,
    progress: bool = False,
    say: Say | None = None,
    approximate_from: int | None = None,
    known: ParsedDocuments | None = None,
    sentences_later: bool = False,
) -> BuildReport:
    """Parse the corpus, embed and index it, and make the result current; ``say`` hears what it does.

    ``approximate_from`` overrides the passage count from which the dense index is approximate.  Documents
    in ``known`` are not parsed again.  With ``sentences_later``, sentences the vector cache does not hold
    are left to :func:`complete_sentences` (the report's ``pending``).
    """
    started = time.perf_counter()
    corpus = load_corpus(corpus_dir, known)
    if not corpus.passages:
        raise IndexUnavailable(f"Korpusen i {corpus_dir} innehåller inga läsbara dokument.")
    if say:
        say(f"Bygger index: {len(corpus.passages)} stycken ur {len(corpus.documents)} dokument i {corpus_dir} …")
    texts = [passage_text(p) for p in corpus.passages]
    units = sentence_units(corpus.passages)
    bridge_words = vector_words(texts)
    cache = VectorCache(index_dir, embedder.info.fingerprint, embedder.passage_prefix)
    use_cache = len(texts) + len(units.texts) <= VECTOR_CACHE_LIMIT
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    embedded = index_dir / f".embedding-{build_id}.tmp"  # outside builds/, which a concurrent build cleans up
    embedded.mkdir(parents=True)
    pending = 0
    try:
        cached = cache if use_cache else None
        _embed_to(embedded / "vectors.npy", texts, embedder, cached, progress, say)
        _embed_to(embedded / "word_vectors.npy", bridge_words, embedder, cached, progress, say)
        if sentences_later and use_cache:
            pending = _stand_in_sentences(embedded, units, cache)
        else:
            _embed_to(embedded / "sentence_vectors.npy", units.texts, embedder, cached, progress, say)
        with build_lock(index_dir):
            staging = index_dir / BUILDS / f".{build_id}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            for name in ("vectors.npy", "sentence_vectors.npy", "word_vectors.npy"):
                os.replace(embedded / name, staging / name)
            kind = _write_build(staging, corpus.passages, texts, units, bridge_words, approximate_from, say)
            manifest = Manifest(
                format=FORMAT_VERSION,
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                corpus=CorpusRecord(
                    path=str(corpus_dir.resolve()),
                    sha256=corpus.fingerprint,
                    documents=corpus.documents,
                    skipped=[e.name for e in corpus.errors],
                    summaries=corpus.summaries,
                ),
                model=ModelRecord(
                    name=embedder.info.name,
                    path=embedder.info.path,
                    fingerprint=embedder.info.fingerprint,
                    dimension=embedder.dimension,
                    query_prefix=embedder.query_prefix,
                    passage_prefix=embedder.passage_prefix,
                ),
                passages=len(corpus.passages),
                libraries=library_versions(),
                dense=kind,
                pending_sentences=pending,
            )
            _write_json(staging / "manifest.json", manifest.to_dict())
            final = staging.with_name(build_id)
            os.replace(staging, final)
            previous = current_build(index_dir)
            _point_current(index_dir, final)
            _remove_old_builds(index_dir, keep={final.resolve(), previous})
            if use_cache:
                cache.save()
    finally:
        shutil.rmtree(embedded, ignore_errors=True)
    return BuildReport(
        final,
        len(corpus.passages),
        corpus.documents,
        [e.name for e in corpus.errors],
        time.perf_counter() - started,
        embedded=cache.embedded if use_cache else len(texts) + len(units.texts),
        reused=cache.reused,
        pending=pending,
    )


def _stand_in_sentences(directory: Path, units: SentenceUnits, cache: VectorCache) -> int:
    """Write ``sentence_vectors.npy`` beside ``vectors.npy``: each sentence's cached vector, else its passage's
    (a sentence then scores as its passage does); how many stand in."""
    passage_vectors = np.load(directory / "vectors.npy", mmap_mode="r")
    vectors = np.empty((len(units.texts), passage_vectors.shape[1]), dtype=np.float32)
    pending = 0
    for row, (text, owner) in enumerate(zip(units.texts, units.owner.tolist(), strict=True)):
        vector = cache.lookup(text)
        if vector is None:
            vector = passage_vectors[owner]
            pending += 1
        vectors[row] = vector
    np.save(directory / "sentence_vectors.npy", vectors)
    return pending


def complete_sentences(index_dir: Path, embedder: TextEncoder, progress: bool = False) -> BuildReport | None:
    """Embed the sentences the current build left standing in (``sentences_later``) and make the completed
    build current; None when none are pending, or when a newer build replaced this one meanwhile.

    The completed build is a copy of the current one with its files hard-linked, but for the sentence
    vectors and the manifest, so the switch is as atomic as a build's and costs no copying.
    """
    started = time.perf_counter()
    build, manifest = current_build(index_dir), read_manifest(index_dir)
    if build is None or manifest is None or not manifest.pending_sentences:
        return None
    if manifest.model.fingerprint != embedder.info.fingerprint:
        return None
    passages = list(PassageStore(build / "passages"))
    units = sentence_units(passages)
    cache = VectorCache(index_dir, embedder.info.fingerprint, embedder.passage_prefix)
    texts = [passage_text(p) for p in passages]
    cache.encode([*texts, *vector_words(texts)], embedder.encode_passages)  # kept at save (all cached)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    embedded = index_dir / f".embedding-{build_id}.tmp"
    embedded.mkdir(parents=True)
    try:
        _embed_to(embedded / "sentence_vectors.npy", units.texts, embedder, cache, progress, None)
        with build_lock(index_dir):
            if current_build(index_dir) != build:  # a newer build (its manifest may be the one read above)
                return None
            staging = index_dir / BUILDS / f".{build_id}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            ignored = shutil.ignore_patterns("sentence_vectors.npy", "manifest.json")
            shutil.copytree(build, staging, copy_function=os.link, ignore=ignored)
            os.replace(embedded / "sentence_vectors.npy", staging / "sentence_vectors.npy")
            _write_json(staging / "manifest.json", replace(manifest, pending_sentences=0).to_dict())
            final = staging.with_name(build_id)
            os.replace(staging, final)
            _point_current(index_dir, final)
            _remove_old_builds(index_dir, keep={final.resolve(), build})
            cache.save(a_build=False)
    finally:
        shutil.rmtree(embedded, ignore_errors=True)
    return BuildReport(
        final,
        len(passages),
        manifest.corpus.documents,
        manifest.corpus.skipped,
        time.perf_counter() - started,
        embedded=cache.embedded,
        reused=cache.reused,
    )


def _embed_to(
    path: Path, texts: list[str], embedder: TextEncoder, cache: VectorCache | None, progress: bool, say: Say | None
) -> None:
    """Embed ``texts`` chunk by chunk into a float32 ``.npy`` file (through the vector cache, when given).

    Chunks are appended with ``write`` rather than through a memory map, whose written pages would count in
    the build's resident memory until the whole file is done.
    """
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)), "fortran_order": False}
    with path.open("wb") as handle:
        np.lib.format.write_array_header_2_0(handle, header | {"shape": (len(texts), embedder.dimension)})
        for start in range(0, len(texts), EMBED_CHUNK):
            chunk = texts[start : start + EMBED_CHUNK]
            if cache is not None:
                vectors = cache.encode(chunk, lambda missing: embedder.encode_passages(missing, progress=progress))
            else:
                vectors = embedder.encode_passages(chunk, progress=progress)
            handle.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            if say and len(texts) > EMBED_CHUNK:
                say(f"Inbäddat {start + len(chunk)} av {len(texts)} texter ({path.stem}) …")


def _write_json(path: Path, data: object) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())


def _write_build(
    directory: Path,
    passages: list[Passage],
    texts: list[str],
    units: SentenceUnits,
    bridge_words: list[str],
    approximate_from: int | None,
    say: Say | None,
) -> str:
    """Write passages, the dense index, sentence spans, BM25 and the bridges beside the vectors; the dense
    index's kind."""
    write_passages(directory / "passages", passages)
    vectors = np.load(directory / "vectors.npy", mmap_mode="r")
    if say and len(passages) >= dense_index.CHUNK:
        say("Bygger vektorindexet …")
    dense = dense_index.build_dense(vectors, approximate_from)
    faiss.write_index(dense, str(directory / "dense.faiss"))
    np.save(directory / "sentence_owner.npy", units.owner)
    np.save(directory / "sentence_spans.npy", units.spans)
    tokens = [tokenize(text) for text in texts]
    if say and len(passages) >= dense_index.CHUNK:
        say("Bygger BM25-indexet …")
    lexical = bm25s.BM25()
    lexical.index([t or [""] for t in tokens], show_progress=False)
    lexical.save(str(directory / "bm25"), show_progress=False)
    coverage = document_coverage(passages, tokens)
    _write_json(directory / "coverage.json", {name: c.to_dict() for name, c in coverage.items()})
    forms = frozenset(t for passage_tokens in tokens for t in passage_tokens)
    _write_json(directory / "bridges.json", {"synonyms": synonym_table(forms, synonym_pairs()), "words": bridge_words})
    vocabulary = (
        {w for text in texts for w in words(text)} | set(top_n_list("sv", STORED_COMMON_WORDS)) | set(role_words())
    )
    _write_json(directory / "forms.json", forms_table(vocabulary))
    _write_json(directory / "words.json", sorted(corpus_words(passages)))
    np.save(directory / "text_facts.npy", text_facts(p.text for p in passages))
    return dense_index.kind(dense)


def _point_current(index_dir: Path, build: Path) -> None:
    link = index_dir / CURRENT
    temporary = index_dir / f".{CURRENT}.tmp"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(build.relative_to(index_dir))
    os.replace(temporary, link)


def _remove_old_builds(index_dir: Path, keep: set[Path | None]) -> None:
    """Delete every build but the new one and the one it replaced (which readers may still be on).

    What a killed build left behind (a staging directory, or a finished build never made current) goes too.
    """
    for old in (index_dir / BUILDS).iterdir():
        if old.is_dir() and old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)


def staleness(index_dir: Path, corpus_dir: Path, embedder: TextEncoder) -> str | None:
    """Why the index must be (re)built, in Swedish, or None when it is up to date."""
    if current_build(index_dir) is None:
        return "det inte finns något index ännu"
    manifest = read_manifest(index_dir)
    if manifest is None:
        return "indexets manifest saknas, är skadat eller har ett äldre format"
    if manifest.corpus.sha256 != corpus_fingerprint(corpus_dir):
        return "korpusen har ändrats sedan indexet byggdes"
    if manifest.model.fingerprint != embedder.info.fingerprint:
        return "embeddingmodellen har bytts sedan indexet byggdes"
    return None


def ensure_index(
    index_dir: Path,
    corpus_dir: Path,
    embedder: TextEncoder,
    progress: bool = False,
    say: Say | None = None,
    known: ParsedDocuments | None = None,
) -> tuple[Index, str | None]:
    """Load the index, building it first when it is missing, stale or damaged (from ``known`` documents).

    Returns the index and the reason it was (re)built, or None if it was not.
    """
    reason = staleness(index_dir, corpus_dir, embedder)
    if reason is None:
        try:
            return load_index(index_dir), None
        except IndexUnavailable as error:
            log.warning("Index unusable, rebuilding: %s", error)
            reason = f"indexet var skadat ({error})"
    build_index(corpus_dir, index_dir, embedder, progress=progress, say=say, known=known)
    return load_index(index_dir), reason
