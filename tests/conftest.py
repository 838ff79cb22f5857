"""Shared fixtures: one converted model, one index and one launched chat per session.

Every user directory (model cache, index, HOME) points into a temporary
directory, so tests never touch a real user's files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
CHROMIUM = "/usr/bin/chromium"
"""Debian's chromium: Playwright's own browser download does not work here."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_VERSION = "4.14.1"
AXE = REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from npm, installed by .ci/run (git-ignored): the accessibility audit of the chat page."""
ARTIFACTS = REPO / "tests" / "artifacts"
"""Screenshots for review (git-ignored), rewritten by every run of the browser tests."""


@pytest.fixture(scope="session", autouse=True)
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("assistant")
    os.environ["ASSISTANT_CACHE_DIR"] = str(root / "cache")
    os.environ["ASSISTANT_INDEX_DIR"] = str(root / "index")
    os.environ["ASSISTANT_CORPUS_DIR"] = str(CORPUS)
    os.environ["HF_HOME"] = str(root / "hf")
    os.environ.pop("ASSISTANT_MODEL", None)
    os.environ.pop("ASSISTANT_AUTH", None)
    return root


@pytest.fixture(scope="session")
def engine(workdir: Path):
    from assistant.engine import Engine
    from assistant.search.embeddings import Embedder

    return Engine(CORPUS, workdir / "index", Embedder())


@pytest.fixture(scope="session")
def embedder(engine):
    return engine.embedder


@pytest.fixture(scope="session")
def retriever(engine):
    return engine.retriever


@pytest.fixture(scope="session")
def server(engine) -> Iterator[str]:
    """The real chat, launched on a free loopback port."""
    from assistant.interfaces.chat import free_port, serve

    port = free_port()
    app = serve(engine, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session; tests open their own contexts (viewport, permissions)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    print(f"\nScreenshots for review: {ARTIFACTS}")
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is missing; install it with: npm install --prefix {AXE.parents[2]} axe-core@{AXE_VERSION}"
        )
    return AXE


def run_cli(*args: str, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m assistant`` with the session's isolated environment."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
        cwd=REPO,
    )
