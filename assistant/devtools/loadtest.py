"""Load test: many concurrent gradio_client sessions asking varied questions (loopback only); with open pages
polling as the chat's pages do, idle and while an editor adds a document.

Bounded in count and time: ``sessions`` clients each ask ``per_session``
questions, and the whole run stops at ``deadline`` seconds.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from assistant.devtools.gradio_http import RawSession
from assistant.documents.corpus import ParsedDocument
from assistant.engine import Engine
from assistant.errors import InputError
from assistant.interfaces.page import INDEX_POLL_SECONDS
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
    url: str,
    questions: list[tuple[str, str]],
    sessions: int,
    per_session: int,
    deadline: float = 600.0,
    until: Callable[[], bool] | None = None,
) -> LoadResult:
    """Ask from ``sessions`` concurrent clients; a reply is correct when it ranks as expected.

    ``questions`` pairs a question with the id of the passage that must rank first
    (as a sequential run ranks it).  With ``until``, each client goes on asking past ``per_session`` questions
    while ``until()`` is true (the load while something else runs).
    """
    from gradio_client import Client

    _check_loopback(url)
    started = time.perf_counter()

    def session(number: int) -> list[tuple[float, bool]]:
        client = Client(url, verbose=False)
        outcomes = []
        i = 0
        while i < per_session or (until is not None and until()):
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
            i += 1
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


@dataclass(frozen=True)
class BusyResult:
    """``/ask`` with open pages polling, idle and while an editor adds a document: the issue's comparison."""

    pages: int
    idle: LoadResult
    busy: LoadResult
    added: str
    add_seconds: float
    polls: int
    poll_failures: int
    documents_parsed: int
    """Documents parsed while the load ran: the rebuild reads each corpus document once; no page reads any."""


class _Pages:
    """``count`` open pages, each asking for the index state every ``INDEX_POLL_SECONDS`` as the page's timer does."""

    def __init__(self, url: str, refresh: int, shown: Callable[[], str], count: int) -> None:
        self.url, self.refresh, self.shown, self.count = url, refresh, shown, count
        self.stop = threading.Event()
        self.polls = self.failures = 0
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._page, args=(n,), daemon=True) for n in range(count)]

    def __enter__(self) -> _Pages:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=INDEX_POLL_SECONDS * 3)

    def _page(self, number: int) -> None:
        session = RawSession(self.url)
        status, _ = session.run(self.refresh, [None])  # the page's load: every list filled once
        self.stop.wait(INDEX_POLL_SECONDS * number / max(self.count, 1))  # pages opened at different moments
        while not self.stop.is_set():
            status, message = session.run(self.refresh, [self.shown()])
            with self._lock:
                self.polls += 1
                self.failures += status != 200 or not (message and message.get("success"))
            self.stop.wait(INDEX_POLL_SECONDS)
        session.close()


def load_test_while_adding(
    engine: Engine, questions: list[str], sessions: int, per_session: int, pages: int, document: Path
) -> BusyResult:
    """``sessions`` askers with ``pages`` open pages, first idle, then while an editor adds ``document`` (on a
    copy of the corpus and index, so the user's own are never changed)."""
    reference = [(text, engine.ask(text).answer.hits[0].passage.id) for text in questions]
    with tempfile.TemporaryDirectory(prefix="assistant-loadtest-") as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(engine.corpus_dir, corpus, ignore=shutil.ignore_patterns(".*"))
        shutil.copytree(engine.index_dir, index, symlinks=True, ignore=shutil.ignore_patterns(".lock"))
        copy = Engine(corpus, index, engine.embedder)
        port = free_port()
        app = serve(copy, port=port, block=False)
        url = f"http://127.0.0.1:{port}/"
        refresh = next(i for i, block in app.fns.items() if getattr(block.fn, "__name__", "") == "refresh")
        try:
            with (
                _counting_parses() as parsed,
                _Pages(url, refresh, lambda: str(copy.retriever.index.path), pages) as open_pages,
            ):
                time.sleep(INDEX_POLL_SECONDS)  # every page opened and polling
                idle = run_load(url, reference, sessions, per_session)
                parsed.clear()
                started = time.perf_counter()
                adding = threading.Thread(target=copy.add_documents, args=([document],))
                adding.start()
                busy = run_load(url, reference, sessions, per_session, until=adding.is_alive)
                adding.join()
                add_seconds = time.perf_counter() - started
                time.sleep(INDEX_POLL_SECONDS)  # every page sees the new build
            return BusyResult(
                pages, idle, busy, document.name, add_seconds, open_pages.polls, open_pages.failures, len(parsed)
            )
        finally:
            app.close()


@contextmanager
def _counting_parses() -> Iterator[list[str]]:
    """Every document parsed meanwhile (``corpus.parse_document``, through which the build reads the corpus)."""
    from assistant.documents import corpus

    original = corpus.parse_document
    seen: list[str] = []

    def counted(name: str, data: bytes, title: str | None = None, file_name: str = "") -> ParsedDocument:
        seen.append(name)
        return original(name, data, title, file_name)

    corpus.parse_document = counted
    try:
        yield seen
    finally:
        corpus.parse_document = original
