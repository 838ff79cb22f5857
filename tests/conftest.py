"""Shared fixtures: one converted model, one index and one launched chat per session.

Every user directory (model cache, index, HOME) points into a temporary
directory, so tests never touch a real user's files.

Two kinds of engine: ``engine`` (the real model, converted once per session)
and ``fake_engine`` (:class:`FakeEmbedder`, for unit tests of retrieval,
replies and follow-ups that must run in seconds).  A test that uses the real
model or the launched chat through a fixture is marked ``slow`` automatically;
one that runs the real model in a subprocess (``run_cli("ask", …)``), starts
LibreOffice or kills a build in a subprocess is marked by hand.
``pytest -m "not slow"`` runs the rest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
CHROMIUM = "/usr/bin/chromium"
"""Debian's chromium: Playwright's own browser download does not work here."""
INSTALL = "./test installs it, or: "
"""Every skip for a missing system program names the command that installs it (./test runs them all)."""
LIBREOFFICE = shutil.which("libreoffice")
"""LibreOffice converts a Word file to PDF: a second PDF producer beside reportlab."""
needs_libreoffice = pytest.mark.skipif(
    LIBREOFFICE is None,
    reason=f"LibreOffice is not installed; {INSTALL}apt-get install -y libreoffice-writer-nogui",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"chromium is not installed at {CHROMIUM}; {INSTALL}apt-get install -y chromium"
)
SHARED_DOCUMENTS = Path(os.environ.get("ASSISTANT_TEST_DOCUMENTS") or REPO.parent / "shared" / "documents")
"""Real documents nobody here wrote (see its README), beside the repository (a git worktree elsewhere can point
``ASSISTANT_TEST_DOCUMENTS`` at them); never copied into corpus/."""
needs_shared_documents = pytest.mark.skipif(
    not SHARED_DOCUMENTS.is_dir(), reason=f"{SHARED_DOCUMENTS} is absent (the real test documents live beside the repo)"
)
AXE_VERSION = "4.14.1"
AXE = REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from npm, installed by ./test (git-ignored): the accessibility audit of the chat page."""
ARTIFACTS = REPO / "tests" / "artifacts"
"""Screenshots for review (git-ignored), rewritten by every run of the browser tests."""
SLOW_FIXTURES = {"engine", "embedder", "retriever", "server", "browser"}
"""Fixtures that load the real model (about 10 s per session, more on first conversion) or launch the chat."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: uses the real model, a launched server, a real browser, LibreOffice or a killed subprocess"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


class FakeEmbedder:
    """A small deterministic embedder with the interface of ``assistant.search.embeddings.Embedder``.

    Each text becomes a normalised bag of hashed character trigrams (lower
    case, NFC): texts sharing words are close, and the same text always gets
    the same vector, in any process.
    """

    DIMENSION = 256
    NGRAM = 3

    def __init__(self) -> None:
        from assistant.search.model_files import ModelInfo

        self.info = ModelInfo("fake-trigrams", "", "fake:trigrams-256-v1")
        self.dimension = self.DIMENSION
        self.query_prefix = "query: "
        self.passage_prefix = "passage: "

    @staticmethod
    @cache
    def _bucket(trigram: str) -> int:
        """The trigram's dimension (hashed once per trigram: the corpus has a few thousand)."""
        digest = hashlib.blake2b(trigram.encode(), digest_size=4).digest()
        return int.from_bytes(digest, "little") % FakeEmbedder.DIMENSION

    def _vector(self, text: str) -> np.ndarray:
        padded = f" {unicodedata.normalize('NFC', text).lower()} "
        buckets = [self._bucket(padded[start : start + self.NGRAM]) for start in range(len(padded) - self.NGRAM + 1)]
        vector = np.bincount(buckets, minlength=self.DIMENSION).astype(np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(text) for text in texts])

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return np.stack([self._vector(text) for text in texts])


class HeldEmbedder(FakeEmbedder):
    """The fake embedder, but the background completion waits for ``release`` (or fails, with ``fail``)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.fail = False

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if threading.current_thread().name == "complete-sentences":
            if self.fail:
                raise RuntimeError("the model failed")
            assert self.release.wait(30), "the test never released the completion"
        return super().encode_passages(texts, progress)


@pytest.fixture(scope="session")
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def fake_engine(workdir: Path, fake_embedder: FakeEmbedder):
    """An Engine over the real corpus, real FAISS and BM25, with the fake embedder (built in well under a second)."""
    from assistant.engine import Engine

    return Engine(CORPUS, workdir / "fake-index", fake_embedder)


@pytest.fixture(scope="session")
def fake_retriever(fake_engine):
    return fake_engine.retriever


@pytest.fixture(scope="session", autouse=True)
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("assistant")
    os.environ["ASSISTANT_CACHE_DIR"] = str(root / "cache")
    os.environ["ASSISTANT_INDEX_DIR"] = str(root / "index")
    os.environ["ASSISTANT_CORPUS_DIR"] = str(CORPUS)
    os.environ["HF_HOME"] = str(root / "hf")
    os.environ.pop("ASSISTANT_MODEL", None)
    os.environ.pop("ASSISTANT_ACCOUNTS", None)
    os.environ.pop("ASSISTANT_LOG_QUESTIONS", None)
    from assistant.interfaces.cli import configure_process

    configure_process()  # as every ``assistant`` command does when the process starts
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
    from assistant.interfaces.server import free_port, serve

    port = free_port()
    app = serve(engine, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session; tests open their own contexts (viewport, permissions)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.skip(f"chromium is not installed at {CHROMIUM}; {INSTALL}apt-get install -y chromium")
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
        pytest.skip(f"axe-core is not installed; {INSTALL}npm install --prefix {AXE.parents[2]} axe-core@{AXE_VERSION}")
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


@pytest.fixture(scope="session")
def report_passages():
    """The report's passages from its text extraction: what every other format must give back."""
    from assistant.documents.corpus import parse_document

    return parse_document("rapport", (CORPUS / "rapport.txt").read_bytes()).passages


@pytest.fixture(scope="session")
def typeset(report_passages, tmp_path_factory: pytest.TempPathFactory) -> TypesetFiles:
    """The report typeset as real files: PDF in one column (headings by font and outline), in two columns
    (by font only) and with headings only in the outline, Word, a web page, and LibreOffice's PDF of the
    Word file (a second PDF producer; only when LibreOffice is installed)."""
    from assistant.devtools.typeset import Headings, typeset_html, typeset_pdf, write
    from assistant.devtools.typeset_word import typeset_docx

    root = tmp_path_factory.mktemp("typeset")
    files = {
        "pdf": write(root / "rapport.pdf", typeset_pdf(report_passages, columns=1)),
        "pdf2": write(
            root / "two" / "rapport.pdf", typeset_pdf(report_passages, columns=2, headings=Headings(outlined=False))
        ),
        "outline": write(
            root / "outline" / "rapport.pdf", typeset_pdf(report_passages, headings=Headings(styled=False))
        ),
        "docx": write(root / "rapport.docx", typeset_docx(report_passages)),
        "html": write(root / "rapport.html", typeset_html(report_passages)),
    }
    return TypesetFiles(files)


class TypesetFiles(dict[str, Path]):
    """The typeset files by name; ``"libreoffice"``, LibreOffice's PDF of the Word file, is made the first time
    it is asked for (starting LibreOffice takes seconds: the tests that read it are marked slow)."""

    def __missing__(self, name: str) -> Path:
        if name != "libreoffice" or LIBREOFFICE is None:
            raise KeyError(name)
        out = self["docx"].parent / "libreoffice"
        subprocess.run(
            [
                LIBREOFFICE,
                f"-env:UserInstallation=file://{out / 'lo-profile'}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(self["docx"]),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self[name] = out / "rapport.pdf"
        return self[name]
