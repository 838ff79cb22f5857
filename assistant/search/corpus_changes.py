"""Adding documents to the corpus or removing one, then rebuilding the index once: one path for the CLI and
the chat's documents panel, returning a report both print."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.corpus import DocumentSummary, ParsedDocuments, document_files, load_corpus
from assistant.documents.library import add_document, check_size, remove_document
from assistant.errors import AssistantError, InputError, user_message
from assistant.search.build import BuildReport


@dataclass
class CorpusChange:
    """What adding or removing documents did, for the command line and the chat's documents panel alike.

    ``failures`` are Swedish reasons ("rapport.pdf: PDF-filen är krypterad …"); ``build`` is the rebuild
    (None when nothing changed or the corpus is now empty), ``build_error`` why the rebuild failed (the old
    index still serves).
    """

    added: list[DocumentSummary] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    build: BuildReport | None = None
    build_error: str | None = None
    empty: bool = False
    """The last document was removed: there is nothing to index, and the old index answers until one is added."""


Progress = Callable[[float, str], None]
"""Told the share done (0–1) and what is being done now ("Läser rapport.pdf", "Indexerar")."""


def add_documents(
    corpus_dir: Path,
    files: Sequence[Path],
    rebuild: Callable[[], BuildReport],
    progress: Progress | None = None,
    known: ParsedDocuments | None = None,
) -> CorpusChange:
    """Read and store each file (a bad one is reported and the others still go in), then rebuild once.

    Each file is read once: what was read goes into ``known``, which ``rebuild`` should build from.
    """
    change = CorpusChange()
    for number, path in enumerate(files):
        if progress:
            progress(number / (len(files) + 1), f"Läser {path.name}")
        try:
            if not path.is_file():
                raise InputError(f"Filen finns inte: {path}")
            check_size(path.name, path.stat().st_size)  # before the whole file is read
            change.added.append(add_document(corpus_dir, path.name, path.read_bytes(), known))
        except Exception as error:
            message = user_message(error, f"adding {path}")
            change.failures.append(f"{path.name}: {message.removeprefix(path.name + ': ')}")
    if change.added:
        if progress:
            progress(len(files) / (len(files) + 1), "Indexerar")
        _rebuild_into(change, rebuild)
    return change


def remove_documents(
    corpus_dir: Path, name: str, rebuild: Callable[[], BuildReport], known: ParsedDocuments | None = None
) -> CorpusChange:
    """Remove the document a user names (file name, name or title) and rebuild; InputError when none matches."""
    titles = {s.name: s.title for s in load_corpus(corpus_dir, known).summaries}
    change = CorpusChange(removed=[remove_document(corpus_dir, name, titles)])
    if document_files(corpus_dir):
        _rebuild_into(change, rebuild)
    else:
        change.empty = True
    return change


def _rebuild_into(change: CorpusChange, rebuild: Callable[[], BuildReport]) -> None:
    try:
        change.build = rebuild()
    except AssistantError as error:
        change.build_error = str(error)
