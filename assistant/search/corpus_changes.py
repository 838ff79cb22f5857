"""Adding, removing and restoring documents, then rebuilding the index once: one path for the CLI and the
chat's documents panel, returning a report both print; and finishing or undoing a change a kill interrupted.

Every change holds the corpus lock (``.lock`` in the corpus directory, so the chat and ``assistant corpus``
never change it at once) and writes a small journal (``.pending.json``) before it moves a file: each move's
source, target and where the target goes back to.  The journal is deleted once the index has followed.  A
process killed in between (SIGKILL included) leaves the journal; :func:`recover`, run before any index is
loaded, then keeps the change if the current index was already built from it, else moves the files back —
an interrupted upload into the trash — so the last good index matches the corpus and answers at once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.corpus import DocumentSummary, ParsedDocuments, corpus_fingerprint, document_files
from assistant.documents.library import (
    TrashEntry,
    check_size,
    discard_leftovers,
    empty_trash,
    find_document,
    find_trashed,
    free_name,
    prepare_document,
    trash_path,
)
from assistant.errors import AssistantError, InputError, user_message
from assistant.search.build import BuildReport
from assistant.search.index import read_manifest

log = logging.getLogger(__name__)

JOURNAL = ".pending.json"
LOCK = ".lock"


@dataclass
class CorpusChange:
    """What adding, removing or restoring documents did, for the command line and the documents panel alike.

    ``failures`` are Swedish reasons ("rapport.pdf: PDF-filen är krypterad …"); ``renamed`` pairs a name asked
    for with the name stored under (README.md, a name taken); ``build`` is the rebuild (None when nothing
    changed or the corpus is now empty), ``build_error`` why the rebuild failed (the old index still serves).
    """

    added: list[DocumentSummary] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    restored: list[Path] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    build: BuildReport | None = None
    build_error: str | None = None
    empty: bool = False
    """The last document was removed: there is nothing to index, and the old index answers until one is added."""


Progress = Callable[[float, str], None]
"""Told the share done (0–1) and what is being done now ("Läser rapport.pdf", "Indexerar")."""
Rebuild = Callable[[], BuildReport]


@dataclass(frozen=True)
class Move:
    """One rename of a change: ``source`` → ``target``; undone by renaming ``target`` → ``undo``."""

    source: Path
    target: Path
    undo: Path


@contextmanager
def corpus_lock(corpus_dir: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the corpus's change lock; yields False (without it) when ``wait`` is off and another process has it.

    An flock: the kernel releases it when its holder dies, even by SIGKILL.
    """
    with (corpus_dir / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_journal(corpus_dir: Path, operation: str, moves: Sequence[Move]) -> None:
    entries = [{"source": str(m.source), "target": str(m.target), "undo": str(m.undo)} for m in moves]
    temporary = corpus_dir / f"{JOURNAL}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump({"operation": operation, "moves": entries}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, corpus_dir / JOURNAL)
    _sync_directory(corpus_dir)


def _sync_directory(directory: Path) -> None:
    """Make the renames in ``directory`` durable (a power cut, not only a kill)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _apply(corpus_dir: Path, operation: str, moves: Sequence[Move], rebuild: Rebuild, change: CorpusChange) -> None:
    """Journal the moves, make them, rebuild once, and drop the journal: the change is kept even when the
    rebuild fails (the old index answers and says so); an unexpected error undoes it."""
    _write_journal(corpus_dir, operation, moves)
    log.info("Corpus change (%s): %s", operation, ", ".join(f"{m.source.name} -> {m.target.name}" for m in moves))
    for move in moves:
        move.target.parent.mkdir(exist_ok=True)
        os.replace(move.source, move.target)
    _sync_directory(corpus_dir)
    try:
        if document_files(corpus_dir):
            change.build = rebuild()
        else:
            change.empty = True
    except AssistantError as error:
        change.build_error = str(error)
    except BaseException:
        _undo(corpus_dir, moves)
        raise
    (corpus_dir / JOURNAL).unlink()


def _undo(corpus_dir: Path, moves: Sequence[Move]) -> None:
    for move in reversed(moves):
        if move.target.exists():
            move.undo.parent.mkdir(exist_ok=True)
            os.replace(move.target, move.undo)
    discard_leftovers(corpus_dir)
    (corpus_dir / JOURNAL).unlink(missing_ok=True)


def recover(corpus_dir: Path, index_dir: Path) -> str | None:
    """Finish or undo a change a killed process left (see the module's docstring); what was done, or None.

    Does nothing while another process holds the corpus lock: its change is still under way.
    """
    if not corpus_dir.is_dir() or not ((corpus_dir / JOURNAL).exists() or any(corpus_dir.glob(".*.tmp"))):
        return None  # nothing left behind: not even the lock file is written (a read-only corpus stays untouched)
    with corpus_lock(corpus_dir, wait=False) as held:
        if not held:
            return None
        journal = corpus_dir / JOURNAL
        if not journal.is_file():
            discard_leftovers(corpus_dir)
            return None
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
            moves = [Move(Path(m["source"]), Path(m["target"]), Path(m["undo"])) for m in data["moves"]]
        except (ValueError, KeyError, TypeError):  # killed while writing it: no file was moved yet
            journal.unlink()
            discard_leftovers(corpus_dir)
            return "dropped an unfinished journal"
        manifest = read_manifest(index_dir)
        if manifest is not None and manifest.corpus.sha256 == corpus_fingerprint(corpus_dir):
            journal.unlink()
            discard_leftovers(corpus_dir)
            return f"kept the interrupted {data['operation']}: the index was already built from it"
        _undo(corpus_dir, moves)
        return f"undid the interrupted {data['operation']}: the files are back where they were"


def add_documents(
    corpus_dir: Path,
    files: Sequence[Path],
    rebuild: Rebuild,
    progress: Progress | None = None,
    known: ParsedDocuments | None = None,
) -> CorpusChange:
    """Read and store each file (a bad one is reported and the others still go in), then rebuild once.

    Each file is read once: what was read goes into ``known``, which ``rebuild`` should build from.
    """
    change = CorpusChange()
    with corpus_lock(corpus_dir):
        moves: list[Move] = []
        for number, path in enumerate(files):
            if progress:
                progress(number / (len(files) + 1), f"Läser {path.name}")
            try:
                if not path.is_file():
                    raise InputError(f"Filen finns inte: {path}")
                check_size(path.name, path.stat().st_size)  # before the whole file is read
                claimed = {move.target.stem for move in moves}
                prepared = prepare_document(corpus_dir, path.name, path.read_bytes(), claimed, known)
            except Exception as error:
                message = user_message(error, f"adding {path}")
                change.failures.append(f"{path.name}: {message.removeprefix(path.name + ': ')}")
                continue
            moves.append(Move(prepared.temporary, prepared.target, trash_path(corpus_dir, prepared.target.name)))
            change.added.append(prepared.summary)
            if prepared.target.name != path.name:
                change.renamed.append((path.name, prepared.target.name))
        if moves:
            if progress:
                progress(len(files) / (len(files) + 1), "Indexerar")
            _apply(corpus_dir, "add", moves, rebuild, change)
    return change


def remove_documents(corpus_dir: Path, name: str, rebuild: Rebuild, titles: dict[str, str]) -> CorpusChange:
    """Move the document a user names (file name, name or title; ``titles`` by file name, from the loaded index)
    to the trash and rebuild; InputError when none matches."""
    with corpus_lock(corpus_dir):
        path = find_document(corpus_dir, name, titles)
        change = CorpusChange(removed=[path])
        _apply(corpus_dir, "remove", [Move(path, trash_path(corpus_dir, path.name), path)], rebuild, change)
    return change


def restore_document(corpus_dir: Path, name: str, rebuild: Rebuild) -> CorpusChange:
    """Bring the most recently removed document of that name back from the trash and rebuild; InputError when
    the trash has none.  Its name is taken again unless a document has it now (then the next free one)."""
    with corpus_lock(corpus_dir):
        entry = find_trashed(corpus_dir, name)
        target = corpus_dir / free_name(corpus_dir, entry.name)
        change = CorpusChange(restored=[target])
        if target.name != entry.name:
            change.renamed.append((entry.name, target.name))
        _apply(corpus_dir, "restore", [Move(entry.path, target, entry.path)], rebuild, change)
    return change


def empty_the_trash(corpus_dir: Path) -> list[TrashEntry]:
    """Delete the trash's documents for good (the bundled report stays restorable); those deleted."""
    with corpus_lock(corpus_dir):
        return empty_trash(corpus_dir)
