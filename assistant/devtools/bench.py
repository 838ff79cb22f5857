"""Speed benchmark: query latency (retrieval and bare encoding), recall against exact search, build time, memory.

Encoding and retrieval are timed interleaved, question by question, and the
ratio reported is the median of the per-question ratios: when the machine's
load shifts during a run it moves both timings of a question alike, where two
separate loops (all encodings, then all retrievals) would each catch a
different load.  Recall@10 compares the fused top 10 with those of the same
index searched by an exact flat scan.  Memory is the peak resident set while
building, and that of a fresh process that loads the index and answers, which
is what serving needs: measured in the building process it also held what the
build left behind (Python keeps freed memory) and the model the build embedded
with.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from assistant.devtools.synthetic import RecombinedEmbedder, report_sentences, write_corpus
from assistant.documents.corpus import load_corpus
from assistant.engine import Engine, learned_values
from assistant.search import dense
from assistant.search.build import build_index
from assistant.search.embeddings import Embedder, Say
from assistant.search.encoder import TextEncoder
from assistant.search.index import load_index
from assistant.search.query import Query
from assistant.search.retrieve import Filters, Retriever

RECALL_AT = 10


@dataclass(frozen=True)
class BenchResult:
    queries: int
    passages: int
    index_kind: str
    encode_p50_ms: float
    encode_p95_ms: float
    retrieve_p50_ms: float
    retrieve_p95_ms: float
    ratio: float
    """Median over questions of retrieval time (query encoding included) over that question's bare encoding."""
    lexical_p50_ms: float
    """BM25 scoring and its candidates alone, per question (part of retrieval)."""
    lexical_share: float
    """Median over questions of the BM25 time's share of retrieval."""
    recall_at_10: float
    """Mean share of the fused top 10 that an exact flat scan of the same index also ranks top 10."""
    answer_p50_ms: float | None
    """A whole answer as the chat asks it (reading the question, ranking, the decision, the reply), in a process of
    its own; measured on the corpus itself only (None with a synthetic one: the engine then reads a million
    passages' coverage and speller before answering, a start-up cost ``--startup`` measures)."""
    answer_p95_ms: float | None
    build_s: float
    load_s: float
    build_peak_rss_mb: float
    peak_rss_mb: float
    """Peak resident memory of a process that loads the index and answers."""
    anonymous_mb: float
    """Its private memory when done answering (the resident set without mapped files)."""


@dataclass(frozen=True)
class Serving:
    """What the serving process measured."""

    encode: list[float]
    retrieve: list[float]
    lexical: list[float]
    recall_at_10: float
    index_kind: str
    load_s: float
    peak_rss_mb: float
    anonymous_mb: float


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (``VmHWM``: peak resident set) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def run_benchmark(
    corpus_dir: Path,
    model: str,
    embedder: Embedder,
    questions: list[str],
    rounds: int,
    synthetic: int | None = None,
    say: Say | None = None,
) -> BenchResult:
    """Build an index into a temporary directory, then time queries against it in a fresh process.

    With ``synthetic`` = N, the index is built from N passages recombined from
    the corpus's sentences (see :mod:`assistant.devtools.synthetic`) instead.
    """
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        builder: TextEncoder = embedder
        if synthetic:
            pool = report_sentences(load_corpus(corpus_dir).passages)
            corpus_dir = Path(tmp) / "corpus"
            corpus_dir.mkdir()
            if say:
                say(f"Skriver en syntetisk korpus med {synthetic} stycken …")
            write_corpus(pool, synthetic, corpus_dir)
            builder = RecombinedEmbedder(embedder, pool)
        report = build_index(corpus_dir, index_dir, builder, say=say)
        build_peak = _status_mb("VmHWM")
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as server:
            served = server.submit(_serve, index_dir, model, questions, rounds).result()
        if synthetic:
            answers: list[float] = []
        else:
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as server:
                answers = server.submit(_answer, corpus_dir, index_dir, model, questions, rounds).result()
    encode, retrieve, lexical = served.encode, served.retrieve, served.lexical
    return BenchResult(
        queries=len(retrieve),
        passages=report.passages,
        index_kind=served.index_kind,
        encode_p50_ms=statistics.median(encode),
        encode_p95_ms=_percentile(encode, 0.95),
        retrieve_p50_ms=statistics.median(retrieve),
        retrieve_p95_ms=_percentile(retrieve, 0.95),
        ratio=statistics.median(r / e for r, e in zip(retrieve, encode, strict=True)),
        lexical_p50_ms=statistics.median(lexical),
        lexical_share=statistics.median(x / r for x, r in zip(lexical, retrieve, strict=True)),
        recall_at_10=served.recall_at_10,
        answer_p50_ms=statistics.median(answers) if answers else None,
        answer_p95_ms=_percentile(answers, 0.95) if answers else None,
        build_s=report.seconds,
        load_s=served.load_s,
        build_peak_rss_mb=build_peak,
        peak_rss_mb=served.peak_rss_mb,
        anonymous_mb=served.anonymous_mb,
    )


def _serve(index_dir: Path, model: str, questions: list[str], rounds: int) -> Serving:
    """Load the index and answer ``questions`` ``rounds`` times (in a process of its own), timing each step."""
    embedder = Embedder(model)
    learned = learned_values()
    adapter = learned.adapter_for(embedder.info.fingerprint)
    started = time.perf_counter()
    retriever = Retriever(load_index(index_dir), embedder, learned.ranker, adapter)
    load_s = time.perf_counter() - started
    for question in questions[:5]:  # warm-up
        retriever.search(question)
    encode, retrieve, lexical = [], [], []
    mask = retriever.allowed_mask(Filters())
    for question in questions * rounds:
        start = time.perf_counter()
        embedder.encode_queries([question])
        encode.append(_ms(start))
        start = time.perf_counter()
        retriever.search(question)
        retrieve.append(_ms(start))
        start = time.perf_counter()
        retriever._candidates(None, retriever._lexical_scores(Query.plain(question), mask), mask)  # BM25 alone
        lexical.append(_ms(start))
    peak, anonymous = _status_mb("VmHWM"), _status_mb("RssAnon")
    recall = _recall(retriever, questions)
    return Serving(encode, retrieve, lexical, recall, retriever.index.manifest.dense, load_s, peak, anonymous)


def _answer(corpus_dir: Path, index_dir: Path, model: str, questions: list[str], rounds: int) -> list[float]:
    """Milliseconds of each whole answer (``Engine.ask``) to ``questions``, ``rounds`` times, after a warm-up."""
    engine = Engine(corpus_dir, index_dir, Embedder(model))
    for question in questions[:5]:
        engine.ask(question)
    times = []
    for question in questions * rounds:
        start = time.perf_counter()
        engine.ask(question)
        times.append(_ms(start))
    return times


def _recall(retriever: Retriever, questions: list[str]) -> float:
    """Mean overlap of each question's fused top 10 with the top 10 of an exact flat scan of the same vectors."""
    if dense.kind(retriever.index.dense) == dense.FLAT:
        return 1.0
    vectors = retriever.index.vectors
    flat = faiss.IndexFlatIP(vectors.shape[1])
    for start in range(0, len(vectors), dense.CHUNK):
        flat.add(np.ascontiguousarray(vectors[start : start + dense.CHUNK]))
    exact = Retriever(
        dataclasses.replace(retriever.index, dense=flat), retriever.embedder, retriever.ranker, retriever.adapter
    )
    shares = []
    for question in questions:
        found = {h.passage.id for h in retriever.search(question, k=RECALL_AT)}
        truth = {h.passage.id for h in exact.search(question, k=RECALL_AT)}
        shares.append(len(found & truth) / max(1, len(truth)))
    return statistics.fmean(shares)
