"""Start-up benchmark: how long ``assistant ask`` takes end to end, and ``assistant serve`` to its first answer.

Each run is a fresh process, as a user starts it, against an index that is
already built (the benchmark builds it first if needed).  The clock for
``serve`` starts just before the process is launched and stops when ``/ask``
has answered through ``gradio_client`` (imported before the clock starts).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.interfaces.server import free_port

QUESTION = "Vad gjorde Kalix?"
SERVE_DEADLINE = 300.0


@dataclass(frozen=True)
class StartupResult:
    """Seconds per run, in the order measured."""

    ask: list[float]
    serve: list[float]

    @property
    def ask_median(self) -> float:
        return statistics.median(self.ask)

    @property
    def serve_median(self) -> float:
        return statistics.median(self.serve)


def _command(options: list[str], *args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args, *options]


def time_ask(options: list[str]) -> float:
    """Wall time of one ``assistant ask`` in a new process."""
    started = time.perf_counter()
    subprocess.run(_command(options, "ask", QUESTION), check=True, capture_output=True)
    return time.perf_counter() - started


def time_serve(options: list[str]) -> float:
    """Seconds from launching ``assistant serve`` to its first answer through ``/ask``."""
    import httpx
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    process = subprocess.Popen(
        _command(options, "serve", "--port", str(port)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while process.poll() is None and time.perf_counter() - started < SERVE_DEADLINE:
            try:
                httpx.get(url, timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"assistant serve did not start (exit code {process.returncode})")
        Client(url, verbose=False).predict(QUESTION, api_name="/ask")
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def run_startup_benchmark(corpus_dir: Path, index_dir: Path, model: str, rounds: int) -> StartupResult:
    """Build the index if needed (one ``ask``), then time ``rounds`` starts of each command."""
    options = ["--corpus", str(corpus_dir), "--index", str(index_dir), "--model", model]
    time_ask(options)
    return StartupResult(
        ask=[time_ask(options) for _ in range(rounds)],
        serve=[time_serve(options) for _ in range(rounds)],
    )
