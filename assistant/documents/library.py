"""Adding documents to the corpus directory and removing them (for ``corpus add/remove`` and the chat).

A document is read in full before it is stored, so nothing unreadable reaches
the corpus; it is written under a temporary name and renamed into place, so a
build never sees half a file.  Content already in the corpus (same sha256) and
a name already taken are refused with a Swedish reason.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

from assistant.documents.corpus import DocumentSummary, ParsedDocuments, document_files, parse_document
from assistant.errors import CorpusError, InputError, UnreadableDocument

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""Largest document accepted (50 MB): a long report with images; the report itself is 30 kB of text."""
SAFE_NAME = re.compile(r"[^\w.\- ]+")


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


def add_document(corpus_dir: Path, name: str, data: bytes, known: ParsedDocuments | None = None) -> DocumentSummary:
    """Check and store one document; its summary, or CorpusError/InputError with a Swedish reason.

    What was read goes into ``known``, so the build that follows need not read the document again.
    """
    name = safe_name(name)
    check_size(name, len(data))
    sha = hashlib.sha256(data).hexdigest()
    existing = document_files(corpus_dir)
    for path in existing:
        if hashlib.sha256(path.read_bytes()).hexdigest() == sha:
            raise CorpusError(f"{name} finns redan i korpusen (samma innehåll som {path.name}).")
        if path.stem.casefold() == Path(name).stem.casefold():
            raise CorpusError(f"Det finns redan ett dokument som heter {path.name}; byt namn på {name} först.")
    try:
        parsed = parse_document(Path(name).stem, data)
    except UnreadableDocument as error:
        raise UnreadableDocument(f"{name}: {error}") from error
    if known is not None:
        known.put(Path(name).stem, sha, None, parsed)
    temporary = corpus_dir / f".{name}.{os.getpid()}.tmp"
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, corpus_dir / name)
    kinds = Counter[str](p.kind for p in parsed.passages)
    return DocumentSummary(name, Path(name).stem, parsed.title, parsed.format, parsed.pages, sha, dict(kinds))


def find_document(corpus_dir: Path, name: str, titles: dict[str, str] | None = None) -> Path:
    """The corpus file a user means: its file name, its name without suffix or its title (any case)."""
    wanted = name.strip().casefold()
    for path in document_files(corpus_dir):
        if wanted in (path.name.casefold(), path.stem.casefold(), (titles or {}).get(path.name, "").casefold()):
            return path
    names = ", ".join(p.name for p in document_files(corpus_dir)) or "inga"
    raise InputError(f"Det finns inget dokument som heter {name.strip()[:80]!r}. Dokument: {names}.")


def remove_document(corpus_dir: Path, name: str, titles: dict[str, str] | None = None) -> Path:
    """Delete a document from the corpus directory; the path it had."""
    path = find_document(corpus_dir, name, titles)
    path.unlink()
    return path
