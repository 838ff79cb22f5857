"""Corpus documents → passages: quotes with speakers, tips with categories, paragraphs.

``.txt`` documents are read as PDF extractions (see :mod:`assistant.documents.layout`);
``.md`` documents as Markdown with ``#`` headings.  Every block becomes one
passage under its section; a section whose short introduction names the
headings after it becomes their parent ("Röster på tre nivåer › Röster från
politiken").  A document that cannot be read is reported by name and the
others still load.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.layout import HEADING_MAX_CHARS, SENTENCE_END, Block, Footnote, analyse
from assistant.documents.passages import CATEGORIES, ROLES, SECTION_SEPARATOR, Kind, Passage, passage_id
from assistant.errors import CorpusError

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".txt", ".md")
IGNORED_NAMES = {"readme.md"}
QUOTE = re.compile(r"^[”\"](?P<text>.+)[”\"]\s*\((?P<speaker>[^()]+)\)$", re.S)
QUOTE_OPEN = ("”", '"', "“")
BULLET = re.compile(r"^(?:•|[-*]\s)\s*")
CATEGORY = re.compile(r"^(?P<name>[A-ZÅÄÖ][\wåäö]+):$")
MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*$")
FOOTNOTE_MARKER = re.compile(r"(?<=[^\W\d_]|[.”)])(?P<number>\d{1,3})(?=[\s,.;:)]|$)")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class DocumentError:
    """A corpus document that could not be turned into passages."""

    name: str
    message: str  # Swedish, for users


@dataclass
class Corpus:
    """All passages of a corpus directory, and the documents that failed."""

    passages: list[Passage]
    documents: list[str]
    fingerprint: str
    """sha256 over the names and bytes of the documents as they were read (see :func:`corpus_fingerprint`)."""
    errors: list[DocumentError] = field(default_factory=list)


def document_files(directory: Path) -> list[Path]:
    """The corpus documents in a directory, in a stable order."""
    if not directory.is_dir():
        raise CorpusError(f"Korpusmappen finns inte: {directory}")
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and p.name.lower() not in IGNORED_NAMES
    )


class _Fingerprint:
    """sha256 over the names and bytes of documents, fed one document at a time."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, name: str, data: bytes) -> None:
        self._digest.update(name.encode() + b"\0")
        self._digest.update(hashlib.sha256(data).digest())

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def corpus_fingerprint(directory: Path) -> str:
    """sha256 over the names and bytes of the corpus documents as they are on disk now."""
    fingerprint = _Fingerprint()
    for path in document_files(directory):
        fingerprint.add(path.name, path.read_bytes())
    return fingerprint.hexdigest()


def load_corpus(directory: Path) -> Corpus:
    """Parse every document in ``directory``; collect failures instead of raising.

    Each file is read once; the corpus fingerprint is taken over exactly those
    bytes, so an edit during the build cannot pair a new hash with old passages.
    """
    passages: list[Passage] = []
    documents: list[str] = []
    errors: list[DocumentError] = []
    fingerprint = _Fingerprint()
    for path in document_files(directory):
        data = path.read_bytes()
        fingerprint.add(path.name, data)
        try:
            parsed = parse_document(path.stem, data, markdown=path.suffix.lower() == ".md")
        except CorpusError as error:
            errors.append(DocumentError(path.name, str(error)))
            log.warning("Skipped corpus document %s: %r", path.name, error)
            continue
        documents.append(path.name)
        passages.extend(parsed)
    return Corpus(passages, documents, fingerprint.hexdigest(), errors)


def parse_document(name: str, data: bytes, markdown: bool = False) -> list[Passage]:
    """Passages of one document; CorpusError if it has no usable text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"Dokumentet är inte UTF-8-kodat (fel vid byte {error.start}); spara det som UTF-8."
        ) from error
    if not text.strip():
        raise CorpusError("Dokumentet är tomt.")
    layout = analyse(text, leading_space_pages=not markdown)
    passages = _Builder(name, layout.footnotes, markdown).build(layout.blocks)
    if not passages:
        raise CorpusError("Dokumentet innehåller ingen text som kan bli stycken.")
    return passages


class _Builder:
    """Walks a document's blocks in order, tracking section and tip category."""

    def __init__(self, document: str, footnotes: dict[int, Footnote], markdown: bool) -> None:
        self.document = document
        self.footnotes = footnotes
        self.markdown = markdown
        self.next_marker = 1
        self.section_path: list[str] = []
        self.parent: tuple[str, str] | None = None  # (heading, intro text)
        self.candidate: tuple[str, list[Block]] | None = None
        self.category: str | None = None
        self.passages: list[Passage] = []
        self.seen_ids: set[str] = set()

    def build(self, blocks: list[Block]) -> list[Passage]:
        for block in blocks:
            self._take(block)
        return self.passages

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)

    def _take(self, block: Block) -> None:
        text = block.text
        heading_level = self._heading_level(text)
        if heading_level:
            self._enter_heading(MD_HEADING.sub(r"\g<title>", text), heading_level)
            return
        if self.candidate is not None:
            self.candidate[1].append(block)
        category = CATEGORY.match(text)
        if category:
            self.category = category.group("name")
            return
        text, refs = self._mark_footnotes(text)
        if BULLET.match(text):
            kind: Kind = "tip" if self.category else "paragraph"
            self._add(kind, BULLET.sub("", text), block.page, refs, category=self.category)
        elif text.startswith(QUOTE_OPEN):
            self._add_quote(text, block.page, refs)
        else:
            self._add("paragraph", text, block.page, refs)
        for number in refs:
            note = self.footnotes[int(number)]
            self._add("footnote", note.text, note.page, {})

    def _heading_level(self, text: str) -> int:
        """0 for no heading; else the heading's level (1 for a top-level .txt heading)."""
        if self.markdown:
            match = MD_HEADING.match(text)
            return len(match.group("hashes")) if match else 0
        is_heading = (
            len(text) <= HEADING_MAX_CHARS
            and not text.endswith((*SENTENCE_END, ":"))
            and "://" not in text
            and not text.startswith(QUOTE_OPEN)
            and not BULLET.match(text)
            and text[:1].isupper()
        )
        return 1 if is_heading else 0

    def _enter_heading(self, title: str, level: int) -> None:
        self.category = None
        if self.markdown:
            self.section_path = [*self.section_path[: level - 1], title]
            return
        parent = self.parent
        if parent is None and self.candidate is not None:
            heading, blocks = self.candidate
            if len(blocks) == 1:
                parent = (heading, blocks[0].text)
        if parent is not None and _names_heading(parent[1], title):
            self.parent = parent
            self.section_path = [parent[0], title]
            self.candidate = None
        else:
            self.parent = None
            self.section_path = [title]
            self.candidate = (title, [])

    def _mark_footnotes(self, text: str) -> tuple[str, dict[str, str]]:
        """Turn glued markers ("livet1") into superscripts ("livet¹") and collect them."""
        refs: dict[str, str] = {}

        def replace(match: re.Match[str]) -> str:
            number = int(match.group("number"))
            if number != self.next_marker or number not in self.footnotes:
                return match.group(0)
            self.next_marker += 1
            refs[str(number)] = self.footnotes[number].text
            return match.group(0).translate(SUPERSCRIPT)

        return FOOTNOTE_MARKER.sub(replace, text), refs

    def _add_quote(self, text: str, page: int, refs: dict[str, str]) -> None:
        match = QUOTE.match(text)
        if not match:
            log.warning("Quote without a speaker in %s, page %s", self.document, page)
            self._add("quote", text.strip('”"“ '), page, refs)
            return
        speaker = [part.strip() for part in match.group("speaker").split(",")]
        role = speaker[0] if speaker[0] in ROLES or len(speaker) > 1 else None
        municipality = ", ".join(speaker[1:]) or None
        self._add("quote", match.group("text").strip(), page, refs, role=role, municipality=municipality)

    def _add(self, kind: Kind, text: str, page: int, refs: dict[str, str], **extra: str | None) -> None:
        base = passage_id(self.document, kind, self.section, text)
        pid, n = base, 1
        while pid in self.seen_ids:
            n += 1
            pid = f"{base}-{n}"
        self.seen_ids.add(pid)
        if extra.get("category") and extra["category"] not in CATEGORIES:
            log.info("Tip category %r is not one of %s", extra["category"], CATEGORIES)
        self.passages.append(
            Passage(
                id=pid,
                kind=kind,
                text=text,
                document=self.document,
                section=self.section,
                page=None if self.markdown else page,
                footnotes=refs,
                **extra,
            )
        )


def _names_heading(intro: str, heading: str) -> bool:
    """True when the intro mentions the heading's last word ("… förvaltningen …")."""
    last = heading.split()[-1].lower()
    return re.search(rf"\b{re.escape(last)}\b", intro.lower()) is not None
