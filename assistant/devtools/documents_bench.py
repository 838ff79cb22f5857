"""Document benchmark: reading time per page by format, and rebuild time with the vector cache.

Reading: the corpus (the report) is typeset as PDF (one and two columns), Word and
a web page (:mod:`assistant.devtools.typeset`) and each is read ``repeats``
times (the best time counts: the machine is shared).  Rebuild: in a temporary
directory, a full build with an empty vector cache, a rebuild of the unchanged
corpus, and a rebuild after adding one new document (the question file set as
a Markdown document: text the index has never embedded).  Adding: each file
given is read (its time per page) and then added to that corpus as a user adds
it (:func:`~assistant.search.corpus_changes.add_documents`: read once, stored,
the index switched once its passages are embedded — "searchable" — and its
sentences completed after — "complete"), ``repeats`` times, each time into a
fresh copy of that corpus and index; the medians count.  The model is loaded
already, as in a running chat (``corpus add`` loads it first: a few seconds more).
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from assistant.devtools.typeset import typeset_html, typeset_pdf
from assistant.devtools.typeset_word import typeset_docx
from assistant.documents.corpus import ParsedDocuments, document_files, load_corpus, parse_document
from assistant.search.build import BuildReport, build_index, complete_sentences
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
    """One document added as a user adds it (medians of the repeats): reading alone, until it is searchable
    (read, stored, passages embedded, index switched), and until its sentences are embedded as well."""

    name: str
    pages: int
    passages: int
    read_seconds: float
    searchable_seconds: float
    complete_seconds: float
    searchable_runs: list[float]
    complete_runs: list[float]
    embedded: int
    """Texts the model embedded for the document: its passages, then its sentences."""

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
    rebuilds, additions = _rebuilds(corpus_dir, questions, embedder, files, repeats)
    return DocumentsBenchResult(reading, rebuilds, additions)


def _rebuilds(
    corpus_dir: Path, questions: Path, embedder: Embedder, files: Sequence[Path], repeats: int
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
        additions = [_add(corpus, index, embedder, path, repeats) for path in files]
        shutil.rmtree(index)
        runs.append(record("samma korpus, tom cache", build_index(corpus, index, embedder)))
    return runs, additions


def _add(corpus: Path, index: Path, embedder: Embedder, path: Path, repeats: int) -> Addition:
    data = path.read_bytes()
    started = time.perf_counter()
    parsed = parse_document(path.stem, data)
    read = time.perf_counter() - started
    searchable, complete, embedded = [], [], 0
    for run in range(repeats):
        run_corpus, run_index = corpus.with_name(f"corpus-{run}"), index.with_name(f"index-{run}")
        shutil.copytree(corpus, run_corpus)
        shutil.copytree(index, run_index, symlinks=True)
        known = ParsedDocuments()
        started = time.perf_counter()
        rebuild = partial(build_index, run_corpus, run_index, embedder, known=known, sentences_later=True)
        change = add_documents(run_corpus, [path], rebuild, None, known)
        searchable.append(time.perf_counter() - started)
        if change.failures or change.build is None:
            raise RuntimeError(f"{path.name} could not be added: {change.failures or change.build_error}")
        completed = complete_sentences(run_index, embedder)
        complete.append(time.perf_counter() - started)
        embedded = change.build.embedded + (completed.embedded if completed else 0)
        shutil.rmtree(run_corpus)
        shutil.rmtree(run_index)
    return Addition(
        path.name,
        parsed.pages,
        len(parsed.passages),
        read,
        statistics.median(searchable),
        statistics.median(complete),
        [round(s, 2) for s in searchable],
        [round(s, 2) for s in complete],
        embedded,
    )
