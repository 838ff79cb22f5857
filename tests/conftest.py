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
def typeset(report_passages, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report typeset as real files: PDF in one and two columns, Word, a web page, and
    LibreOffice's PDF of the Word file (a second PDF producer)."""
    from assistant.devtools.typeset import typeset_docx, typeset_html, typeset_pdf, write

    root = tmp_path_factory.mktemp("typeset")
    files = {
        "pdf": write(root / "rapport.pdf", typeset_pdf(report_passages, columns=1)),
        "pdf2": write(root / "two" / "rapport.pdf", typeset_pdf(report_passages, columns=2)),
        "docx": write(root / "rapport.docx", typeset_docx(report_passages)),
        "html": write(root / "rapport.html", typeset_html(report_passages)),
    }
    out = root / "libreoffice"
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{root / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(files["docx"]),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    files["libreoffice"] = out / "rapport.pdf"
    return files
