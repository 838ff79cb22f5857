"""Load test: many concurrent gradio_client sessions asking varied questions (loopback only).

Bounded in count and time: ``sessions`` clients each ask ``per_session``
questions, and the whole run stops at ``deadline`` seconds.
"""

from __future__ import annotations

import resource
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlparse

from assistant.engine import Engine
from assistant.errors import InputError
from assistant.interfaces.server import free_port, serve

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class LoadResult:
    requests: int
    answered_correctly: int
    failures: int
    p50_ms: float
    p95_ms: float
    seconds: float
    peak_rss_mb: float


def _check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise InputError(f"Lasttestet körs bara mot den här datorn (127.0.0.1), inte mot {host!r}.")


def run_load(
    url: str, questions: list[tuple[str, str]], sessions: int, per_session: int, deadline: float = 600.0
) -> LoadResult:
    """Ask from ``sessions`` concurrent clients; a reply is correct when it ranks as expected.

    ``questions`` pairs a question with the id of the passage that must rank first
    (as a sequential run ranks it).
    """
    from gradio_client import Client

    _check_loopback(url)
    started = time.perf_counter()

    def session(number: int) -> list[tuple[float, bool]]:
        client = Client(url, verbose=False)
        outcomes = []
        for i in range(per_session):
            if time.perf_counter() - started > deadline:
                break
            question, expected = questions[(number * per_session + i) % len(questions)]
            t0 = time.perf_counter()
            try:
                result = client.predict(question, api_name="/ask")
                ok = bool(result.get("results")) and result["results"][0]["id"] == expected
            except Exception:
                ok = False
            outcomes.append(((time.perf_counter() - t0) * 1000, ok))
        return outcomes

    with ThreadPoolExecutor(max_workers=sessions) as pool:
        results = [o for outcomes in pool.map(session, range(sessions)) for o in outcomes]
    latencies = sorted(ms for ms, _ in results)
    correct = sum(1 for _, ok in results if ok)
    return LoadResult(
        requests=len(results),
        answered_correctly=correct,
        failures=len(results) - correct,
        p50_ms=statistics.median(latencies) if latencies else 0.0,
        p95_ms=latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))] if latencies else 0.0,
        seconds=time.perf_counter() - started,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def load_test_chat(engine: Engine, questions: list[str], sessions: int, per_session: int) -> LoadResult:
    """Launch the chat on a free loopback port and load it; each answer must rank as sequentially."""
    reference = [(text, engine.ask(text).answer.hits[0].passage.id) for text in questions]
    port = free_port()
    app = serve(engine, port=port, block=False)
    try:
        return run_load(f"http://127.0.0.1:{port}/", reference, sessions, per_session)
    finally:
        app.close()
