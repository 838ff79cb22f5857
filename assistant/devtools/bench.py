"""Speed benchmark: query latency (retrieval and bare encoding), build time, peak memory."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.search.embeddings import Embedder
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


def run_benchmark(corpus_dir: Path, embedder: Embedder, questions: list[str], rounds: int) -> BenchResult:
    """Build an index into a temporary directory, then time queries against it."""
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as tmp:
        report = build_index(corpus_dir, Path(tmp), embedder)
        retriever = Retriever(load_index(Path(tmp)), embedder)
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
