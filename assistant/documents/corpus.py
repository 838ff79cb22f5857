"""Corpus documents → passages: quotes with speakers, tips with categories, paragraphs.

Every document is read into a :class:`~assistant.documents.layout.Layout` by the
reader its content calls for (:mod:`assistant.documents.formats`: PDF, Word,
web page, Markdown, or a PDF text extraction such as ``rapport.txt``);
:mod:`~assistant.documents.passage_builder` turns any layout into passages the
same way.  A document that cannot be read, or repeats another document's
content or name, is reported by name and the others still load.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.formats import Format, misnamed_note, read_layout, sniff
from assistant.documents.passage_builder import PassageBuilder
from assistant.documents.passages import Passage
from assistant.documents.titles import choose_title
from assistant.errors import CorpusError, UnreadableDocument

log = logging.getLogger(__name__)

IGNORED_NAMES = {"readme.md"}
README_TITLE = re.compile(r"^[-*]\s+`(?P<name>[^`/]+)`\s+[—–-]\s+\"(?P<title>[^\"\n]+)\"", re.M)


@dataclass(frozen=True)
class DocumentError:
    """A corpus document that could not be turned into passages."""

    name: str
    message: str  # Swedish, for users


@dataclass(frozen=True)
class DocumentSummary:
    """One loaded document: what it is and what came out of it (for ``corpus list`` and the chat)."""

    name: str  # file name in the corpus directory
    document: str  # the passages' document key (file name without suffix)
    title: str
    format: Format
    pages: int
    sha256: str
    kinds: dict[str, int]
    notes: tuple[str, ...] = ()
    """What of the document could not be read (Swedish), shown beside it."""

    @property
    def passages(self) -> int:
        return sum(self.kinds.values())


@dataclass
class Corpus:
    """All passages of a corpus directory, and the documents that failed."""

    passages: list[Passage]
    documents: list[str]
    fingerprint: str
    """sha256 over the names and bytes of the documents as they were read (see :func:`corpus_fingerprint`)."""
    errors: list[DocumentError] = field(default_factory=list)
    summaries: list[DocumentSummary] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedDocument:
    """One document's passages and what it is."""

    passages: list[Passage]
    title: str
    format: Format
    pages: int
    notes: list[str] = field(default_factory=list)
    """What could not be read (Swedish, e.g. "s. 3: sidan har ingen text"), for ``corpus list`` and uploads."""


class ParsedDocuments:
    """Documents already read, by name, content (sha256) and given title: a build after an upload, or the
    chat's next one, reuses them instead of reading every PDF again (a 44-page PDF takes 5–20 s to read).

    Held by whoever runs the builds (the engine, one ``corpus add``), never on disk: a reader changed
    since is never served stale passages.  :func:`load_corpus` drops the documents no longer in the corpus.
    """

    LIMIT = 50_000
    """Passages kept at most (about 50 MB of Python objects): a corpus of a million passages is read again
    rather than held twice in a serving process (docs/scale.md)."""

    def __init__(self) -> None:
        self._documents: dict[tuple[str, str, str | None], ParsedDocument] = {}

    def get(self, name: str, sha: str, title: str | None) -> ParsedDocument | None:
        return self._documents.get((name, sha, title))

    def put(self, name: str, sha: str, title: str | None, parsed: ParsedDocument) -> None:
        held = sum(len(d.passages) for d in self._documents.values())
        if held + len(parsed.passages) <= self.LIMIT:
            self._documents[(name, sha, title)] = parsed

    def keep(self, names: set[str]) -> None:
        """Forget every document whose name is not in ``names``."""
        self._documents = {key: parsed for key, parsed in self._documents.items() if key[0] in names}


def document_files(directory: Path) -> list[Path]:
    """The corpus documents in a directory, in a stable order (any visible file but README.md)."""
    if not directory.is_dir():
        raise CorpusError(f"Korpusmappen finns inte: {directory}")
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.lower() not in IGNORED_NAMES
    )


class _Fingerprint:
    """sha256 over the names and bytes of documents, fed one document at a time."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, name: str, data: bytes) -> None:
        self.add_digest(name, hashlib.sha256(data).hexdigest())

    def add_digest(self, name: str, sha256: str) -> None:
        self._digest.update(name.encode() + b"\0")
        self._digest.update(bytes.fromhex(sha256))

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def readme_titles(directory: Path) -> dict[str, str]:
    """Titles the corpus README gives its documents: a line "- `rapport.txt` — "Titel": …" (file → title).

    A text extraction carries no title of its own and is never edited by hand, so its title is written
    beside it.
    """
    readme = directory / "README.md"
    if not readme.is_file():
        return {}
    return {m.group("name"): m.group("title") for m in README_TITLE.finditer(readme.read_text(errors="replace"))}


def corpus_fingerprint(directory: Path) -> str:
    """sha256 over the names and bytes of the corpus documents as they are on disk now (and their titles)."""
    fingerprint = _Fingerprint()
    fingerprint.add("\0titles", repr(sorted(readme_titles(directory).items())).encode())
    for path in document_files(directory):
        fingerprint.add_digest(path.name, file_sha256(path))
    return fingerprint.hexdigest()


_DIGESTS: dict[tuple[str, int, int], str] = {}
"""sha256 by (path, size, modification time): a file is hashed again only when it changed."""


def file_sha256(path: Path) -> str:
    """The file's sha256, read once per change of its size or modification time (the staleness check and
    every upload's duplicate check would otherwise read the whole corpus each time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _DIGESTS[key]


def load_corpus(directory: Path, known: ParsedDocuments | None = None) -> Corpus:
    """Parse every document in ``directory``; collect failures instead of raising.

    Each file is read once; the corpus fingerprint is taken over exactly those
    bytes, so an edit during the build cannot pair a new hash with old passages.
    A document in ``known`` (same name, bytes and title) is not parsed again; those parsed are added to it.
    """
    corpus = Corpus(passages=[], documents=[], fingerprint="")
    fingerprint = _Fingerprint()
    seen: dict[str, str] = {}  # sha256 or document key -> file name
    titles = readme_titles(directory)
    fingerprint.add("\0titles", repr(sorted(titles.items())).encode())
    for path in document_files(directory):
        data = path.read_bytes()
        fingerprint.add(path.name, data)
        sha = hashlib.sha256(data).hexdigest()
        try:
            if sha in seen:
                raise UnreadableDocument(f"Samma innehåll som {seen[sha]}; dokumentet hoppas över.")
            if path.stem in seen:
                raise UnreadableDocument(f"Ett annat dokument heter också {path.stem} ({seen[path.stem]}); byt namn.")
            parsed = known.get(path.stem, sha, titles.get(path.name)) if known is not None else None
            if parsed is None:
                parsed = parse_document(path.stem, data, titles.get(path.name), path.name)
                if known is not None:
                    known.put(path.stem, sha, titles.get(path.name), parsed)
        except CorpusError as error:
            corpus.errors.append(DocumentError(path.name, str(error)))
            log.warning("Skipped corpus document %s: %r", path.name, error)
            continue
        seen[sha] = seen[path.stem] = path.name
        corpus.documents.append(path.name)
        corpus.passages.extend(parsed.passages)
        kinds = Counter[str](p.kind for p in parsed.passages)
        corpus.summaries.append(
            DocumentSummary(
                path.name, path.stem, parsed.title, parsed.format, parsed.pages, sha, dict(kinds), tuple(parsed.notes)
            )
        )
    corpus.fingerprint = fingerprint.hexdigest()
    if known is not None:
        known.keep({Path(name).stem for name in corpus.documents})
    return corpus


def parse_document(name: str, data: bytes, title: str | None = None, file_name: str = "") -> ParsedDocument:
    """Passages of one document, whatever its format; UnreadableDocument (Swedish reason) if it has none.

    ``name`` is the document's key (its file name without the suffix); ``title`` is a title given from outside
    (the corpus README's, for a text extraction that has none); else the document's own, its first page's largest
    text or its first heading — whichever looks like a title first (:func:`~assistant.documents.titles.choose_title`).
    ``file_name``, when given, is checked against the format the content holds (:func:`misnamed_note`).
    """
    kind = sniff(data)
    layout = read_layout(data, kind)
    first_heading = next((b.text for b in layout.blocks if b.heading), None)
    title = choose_title([title, layout.title, layout.cover_title, first_heading], name)
    passages = PassageBuilder(name, title, layout).build(layout.blocks)
    if not passages:
        raise UnreadableDocument("Dokumentet innehåller ingen text som kan bli stycken.")
    notes = list(layout.notes)
    if misnamed := misnamed_note(file_name, kind):
        notes.insert(0, misnamed)
    return ParsedDocument(passages, title, kind, layout.pages, notes)
