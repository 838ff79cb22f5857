"""The corpus directory's files: storing a new document, moving one to the trash and back, emptying the trash.

Nothing here is ever lost.  A document is read in full before it is stored, written under a hidden
temporary name and renamed into place (a build never sees half a file); a name the corpus needs
(``README.md``), a hidden name, or one already taken in any case is stored under a new name, and the
caller says so.  A removed document moves to the trash, ``.trash/`` inside the corpus directory (same
file system, so every move is one atomic rename), its removal time in its name; it comes back from there.
The bundled report is never deleted from the trash.  Which of these moves are pending until the index
follows is :mod:`assistant.search.corpus_changes`' journal.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.documents.corpus import (
    IGNORED_NAMES,
    DocumentSummary,
    ParsedDocuments,
    document_files,
    file_sha256,
    parse_document,
)
from assistant.documents.names import DocumentName, resolve_document
from assistant.errors import CorpusError, InputError, UnreadableDocument

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""Largest document accepted (50 MB): a long report with images; the report itself is 30 kB of text."""
SAFE_NAME = re.compile(r"[^\w.\- ]+")
TRASH = ".trash"
"""The trash: a hidden folder of the corpus directory (never read as documents, backed up with them)."""
BUNDLED_REPORT_FILE = "rapport.txt"
"""The report the product ships with: emptying the trash keeps it, so it can always be restored."""
_STAMP = "%Y-%m-%dT%H-%M-%S.%fZ"
_TRASHED = re.compile(r"^(?P<stamp>\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{6}Z)_(?P<name>.+)$")


def safe_name(name: str) -> str:
    """A file name that stays inside the corpus directory: no path, no control or odd characters."""
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name).strip().lstrip(".")
    cleaned = SAFE_NAME.sub("_", base)[:120].strip()
    if not cleaned or not Path(cleaned).stem:
        raise InputError(f"Ogiltigt filnamn: {name[:80]!r}.")
    return cleaned


def check_size(name: str, size: int) -> None:
    """InputError (Swedish) for a document over MAX_DOCUMENT_BYTES; callers can check before reading it."""
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{name} är för stort ({size / 1e6:.0f} MB); högst {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.")


def free_name(corpus_dir: Path, wanted: str, claimed: Iterable[str] = ()) -> str:
    """``wanted`` made safe, or, when the corpus needs that name (README.md) or a document (or one of the keys
    ``claimed`` by the same upload) has its key in any case, the first free "name-2.pdf", "name-3.pdf" …:
    nothing in the corpus is ever overwritten."""
    name = safe_name(wanted)
    taken = {path.stem.casefold() for path in document_files(corpus_dir)} | {c.casefold() for c in claimed}
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, number = name, 1
    while candidate.casefold() in IGNORED_NAMES or Path(candidate).stem.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    return candidate


@dataclass(frozen=True)
class Prepared:
    """A document read, checked and written under a hidden temporary name, ready to be renamed into place."""

    temporary: Path
    target: Path
    summary: DocumentSummary


def prepare_document(
    corpus_dir: Path, name: str, data: bytes, claimed: Iterable[str] = (), known: ParsedDocuments | None = None
) -> Prepared:
    """Check and write one document beside the corpus under a temporary name; CorpusError/InputError (Swedish).

    Content already in the corpus (same sha256) is refused; the file is stored under :func:`free_name`.
    What was read goes into ``known``, so the build that follows need not read the document again.
    """
    check_size(safe_name(name), len(data))
    sha = hashlib.sha256(data).hexdigest()
    for path in document_files(corpus_dir):
        if file_sha256(path) == sha:
            raise CorpusError(f"{safe_name(name)} finns redan i korpusen (samma innehåll som {path.name}).")
    target = corpus_dir / free_name(corpus_dir, name, claimed)
    try:
        parsed = parse_document(target.stem, data, file_name=target.name)
    except UnreadableDocument as error:
        raise UnreadableDocument(f"{safe_name(name)}: {error}") from error
    if known is not None:
        known.put(target.stem, sha, None, parsed)
    temporary = corpus_dir / f".{target.name}.{os.getpid()}.tmp"
    _write_synced(temporary, data)
    kinds = Counter[str](p.kind for p in parsed.passages)
    summary = DocumentSummary(
        target.name, target.stem, parsed.title, parsed.format, parsed.pages, sha, dict(kinds), tuple(parsed.notes)
    )
    return Prepared(temporary, target, summary)


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def find_document(corpus_dir: Path, name: str, titles: dict[str, str] | None = None) -> Path:
    """The corpus file a user means (file name, name without suffix or title, see ``resolve_document``).

    ``titles`` (file name → title) come from the loaded index; a document not indexed yet is found by name.
    """
    files = {path.name: path for path in document_files(corpus_dir)}
    names = [DocumentName(Path(file).stem, file, (titles or {}).get(file, "")) for file in files]
    return files[resolve_document(name, names).file]


@dataclass(frozen=True)
class TrashEntry:
    """A removed document in the trash: its name in the corpus, when it was removed, and where it lies."""

    name: str
    removed_at: datetime
    path: Path


def trash_dir(corpus_dir: Path) -> Path:
    return corpus_dir / TRASH


def trash_entries(corpus_dir: Path) -> list[TrashEntry]:
    """What the trash holds, most recently removed first."""
    folder = trash_dir(corpus_dir)
    if not folder.is_dir():
        return []
    entries = []
    for path in folder.iterdir():
        if path.is_file() and (match := _TRASHED.match(path.name)):
            removed = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
            entries.append(TrashEntry(match["name"], removed, path))
    return sorted(entries, key=lambda e: e.removed_at, reverse=True)


def trash_path(corpus_dir: Path, name: str) -> Path:
    """Where a document removed now goes in the trash (the folder is made by the move that needs it)."""
    return trash_dir(corpus_dir) / f"{datetime.now(UTC).strftime(_STAMP)}_{name}"


def find_trashed(corpus_dir: Path, name: str) -> TrashEntry:
    """The most recently removed document of that file name or name without suffix (any case); InputError."""
    entries = trash_entries(corpus_dir)
    names = [DocumentName(Path(e.name).stem, e.name, "") for e in entries]
    try:
        found = resolve_document(name, names)
    except InputError:
        listed = ", ".join(dict.fromkeys(e.name for e in entries)) or "ingenting"
        raise InputError(
            f"Papperskorgen har inget dokument som heter {name.strip()[:80]!r}. Där finns: {listed}."
        ) from None
    return next(e for e in entries if e.name == found.file)


def empty_trash(corpus_dir: Path) -> list[TrashEntry]:
    """Delete what the trash holds, for good, except the bundled report; the entries deleted."""
    deleted = [e for e in trash_entries(corpus_dir) if e.name != BUNDLED_REPORT_FILE]
    for entry in deleted:
        entry.path.unlink()
    return deleted


def discard_leftovers(corpus_dir: Path) -> None:
    """Delete temporary files an interrupted upload left in the corpus directory (never a document)."""
    for path in corpus_dir.glob(".*.tmp"):
        if path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
