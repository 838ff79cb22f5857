"""Speed benchmark: query latency (retrieval and bare encoding), build time, peak memory."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.devtools.synthetic import RecombinedEmbedder, report_sentences, write_corpus
from assistant.documents.corpus import load_corpus
from assistant.engine import learned_values
from assistant.search.embeddings import Embedder
from assistant.search.encoder import TextEncoder
from assistant.search.index import build_index, load_index
from assistant.search.retrieve import Retriever


@dataclass(frozen=True)
class BenchResult:
    queries: int
    encode_p50_ms: float
    encode_p95_ms: float
    retrieve_p50_ms: float
    retrieve_p95_ms: float
    build_seconds: float
    passages: int
    peak_rss_mb: float

    @property
    def ratio(self) -> float:
        """Retrieval p50 (query encoding included) over bare encoding p50."""
        return self.retrieve_p50_ms / self.encode_p50_ms


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed_ms(fn: Callable[[str], object], items: list[str]) -> list[float]:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run_benchmark(
    corpus_dir: Path, embedder: Embedder, questions: list[str], rounds: int, synthetic: int | None = None
) -> BenchResult:
    """Build an index into a temporary directory, then time queries against it.

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
            write_corpus(pool, synthetic, corpus_dir)
            builder = RecombinedEmbedder(embedder, pool)
        report = build_index(corpus_dir, index_dir, builder)
        learned = learned_values()
        adapter = learned.adapter_for(embedder.info.fingerprint)
        retriever = Retriever(load_index(index_dir), embedder, learned.ranker, adapter)
        workload = questions * rounds
        _timed_ms(lambda q: retriever.search(q), questions[:5])  # warm-up
        encode = _timed_ms(lambda q: embedder.encode_queries([q]), workload)
        retrieve = _timed_ms(lambda q: retriever.search(q), workload)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return BenchResult(
        queries=len(workload),
        encode_p50_ms=statistics.median(encode),
        encode_p95_ms=_percentile(encode, 0.95),
        retrieve_p50_ms=statistics.median(retrieve),
        retrieve_p95_ms=_percentile(retrieve, 0.95),
        build_seconds=report.seconds,
        passages=report.passages,
        peak_rss_mb=peak_kb / 1024,
    )
