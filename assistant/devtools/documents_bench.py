"""Document benchmark: reading time per page by format, and rebuild time with the vector cache.

Reading: the corpus (the report) is typeset as PDF (one and two columns), Word and
a web page (:mod:`assistant.devtools.typeset`) and each is read ``repeats``
times (the best time counts: the machine is shared).  Rebuild: in a temporary
directory, a full build with an empty vector cache, a rebuild of the unchanged
corpus, and a rebuild after adding one new document (the question file set as
a Markdown document: text the index has never embedded).  Adding: each file
given is read (its time per page) and then added to that corpus as a user adds
it (:func:`~assistant.engine.add_documents`: read, stored, index rebuilt with
its passages and sentences embedded), one after the other, and timed whole.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.devtools.typeset import typeset_html, typeset_pdf
from assistant.devtools.typeset_word import typeset_docx
from assistant.documents.corpus import document_files, load_corpus, parse_document
from assistant.search.build import BuildReport, build_index
from assistant.search.corpus_changes import add_documents
from assistant.search.embeddings import Embedder


@dataclass(frozen=True)
class ReadingTime:
    """How long one document took to read (best of the repeats)."""

    format: str
    pages: int
    passages: int
    seconds: float

    @property
    def ms_per_page(self) -> float | None:
        return 1000 * self.seconds / self.pages if self.pages else None


@dataclass(frozen=True)
class Rebuild:
    """One build: wall time, passages, and how many texts the model embedded."""

    what: str
    seconds: float
    passages: int
    embedded: int


@dataclass(frozen=True)
class Addition:
    """One document added as a user adds it: reading alone, and the whole addition with the rebuild."""

    name: str
    pages: int
    passages: int
    read_seconds: float
    add_seconds: float
    embedded: int

    @property
    def ms_per_page(self) -> float | None:
        return 1000 * self.read_seconds / self.pages if self.pages else None


@dataclass(frozen=True)
class DocumentsBenchResult:
    reading: list[ReadingTime]
    rebuilds: list[Rebuild]
    additions: list[Addition]


def run_documents_benchmark(
    corpus_dir: Path, questions: Path, embedder: Embedder, repeats: int = 3, files: Sequence[Path] = ()
) -> DocumentsBenchResult:
    passages = load_corpus(corpus_dir).passages
    samples = {
        "PDF, en spalt": typeset_pdf(passages, columns=1),
        "PDF, två spalter": typeset_pdf(passages, columns=2),
        "Word": typeset_docx(passages),
        "webbsida": typeset_html(passages),
    }
    reading = []
    for label, data in samples.items():
        times, parsed = [], None
        for _ in range(repeats):
            started = time.perf_counter()
            parsed = parse_document("rapport", data)
            times.append(time.perf_counter() - started)
        assert parsed is not None
        reading.append(ReadingTime(label, parsed.pages, len(parsed.passages), min(times)))
    rebuilds, additions = _rebuilds(corpus_dir, questions, embedder, files)
    return DocumentsBenchResult(reading, rebuilds, additions)


def _rebuilds(
    corpus_dir: Path, questions: Path, embedder: Embedder, files: Sequence[Path]
) -> tuple[list[Rebuild], list[Addition]]:
    def record(what: str, report: BuildReport) -> Rebuild:
        return Rebuild(what, report.seconds, report.passages, report.embedded)

    with tempfile.TemporaryDirectory(prefix="assistant-docbench-") as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        for path in document_files(corpus_dir):
            shutil.copy(path, corpus / path.name)
        runs = [record("hela korpusen, tom cache", build_index(corpus, index, embedder))]
        runs.append(record("oförändrad korpus", build_index(corpus, index, embedder)))
        lines = [json.loads(line)["question"] for line in questions.read_text(encoding="utf-8").splitlines() if line]
        (corpus / "fragor.md").write_text("# Frågor\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
        runs.append(record("ett dokument tillagt", build_index(corpus, index, embedder)))
        additions = [_add(corpus, index, embedder, path) for path in files]
        shutil.rmtree(index)
        runs.append(record("samma korpus, tom cache", build_index(corpus, index, embedder)))
    return runs, additions


def _add(corpus: Path, index: Path, embedder: Embedder, path: Path) -> Addition:
    data = path.read_bytes()
    started = time.perf_counter()
    parsed = parse_document(path.stem, data)
    read = time.perf_counter() - started
    started = time.perf_counter()
    change = add_documents(corpus, [path], lambda: build_index(corpus, index, embedder))
    seconds = time.perf_counter() - started
    if change.failures or change.build is None:
        raise RuntimeError(f"{path.name} could not be added: {change.failures or change.build_error}")
    return Addition(path.name, parsed.pages, len(parsed.passages), read, seconds, change.build.embedded)
