"""Undo what PDF extraction did to a text: pages, footnotes, link lines, hyphens.

The input is text "exactly as it was extracted from its PDF": a page's first
line starts with a single space (or a form feed), footnotes and the PDF's link
annotations sit at the bottom of a page, and words are hyphenated at line ends.
The output is a list of :class:`Block` (runs of lines between blank lines, with
paragraphs cut by a page break spliced together again, their lines joined) and
the document's footnotes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

URL_LINE = re.compile(r"^https?://\S+$")
FOOTNOTE_START = re.compile(r"^(\d{1,3}) (\S.*)$")
PAGE_START = re.compile(r"^ \S")
SUSPENDED_COMPOUND_JOINERS = {"och", "eller", "samt", "respektive", "resp.", "som"}
SENTENCE_END = (".", "!", "?", "”", '"', ")", ";", ",")
QUOTE_END = re.compile(r"”\s*\([^()]*\)$")
PLAIN_HEADING_MAX_CHARS = 60
"""A heading in unstyled text is a short line (a styled one may be longer: docx's ``STYLED_HEADING_MAX_CHARS``)."""


@dataclass(frozen=True)
class Block:
    """Lines between blank lines, joined into one clean string.

    ``page`` is the page label printed on the page where the block starts (None
    for formats without pages); ``heading`` is the heading level a reader saw in
    the document's styles (1 = top), or 0 for body text and for plain text, whose
    headings the corpus builder recognises by their shape.
    """

    text: str
    page: int | None
    heading: int = 0


@dataclass(frozen=True)
class Footnote:
    """A numbered footnote from the bottom of a page."""

    number: int
    text: str
    page: int | None


@dataclass(frozen=True)
class Layout:
    """A document's body blocks and its footnotes: what every reader produces.

    ``title`` is the document's own title (PDF metadata, a title style, an HTML
    ``<title>``) when it has one; ``pages`` the number of pages (0 for formats
    without pages); ``styled`` says that headings are marked in ``Block.heading``
    by the reader rather than left to the builder's plain-text heuristics.
    ``cover_title`` is what a person sees as the title on the first page (the
    largest text there), for when ``title`` is missing or a producer's artefact;
    ``notes`` says, in Swedish, what of the document could not be read
    ("s. 3: sidan har ingen text …"), shown when the document is listed or added.
    """

    blocks: list[Block]
    footnotes: dict[int, Footnote]
    title: str | None = None
    pages: int = 0
    styled: bool = False
    cover_title: str | None = None
    notes: tuple[str, ...] = ()
    ocr_pages: frozenset[int | None] = frozenset()
    """The pages (labels) read by OCR from a scan: their passages are marked as such."""


def clean_characters(text: str) -> str:
    """NFC; drop stray combining marks and control characters; unify spaces.

    After NFC a combining mark that is still on its own (a PDF artefact such as
    "Övertorneå" + U+030A) has no letter to combine with, so it is removed.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.translate({ord(char): _cleaned(char) for char in set(text)})


def _cleaned(char: str) -> str | None:
    """What :func:`clean_characters` makes of one character (decided once per distinct character, not per
    occurrence: a million-passage document has a few hundred distinct characters)."""
    category = unicodedata.category(char)
    if category == "Mn":
        return None
    if char in "\n\f":
        return char
    if char == "\t" or category == "Zs":
        return " "
    if category in ("Cc", "Cf"):
        return None
    return char


def is_blank(line: str) -> bool:
    return not line.strip()


def split_pages(text: str, leading_space_pages: bool) -> list[list[str]]:
    """Split into pages at form feeds and, for PDF text, at lines starting with one space."""
    pages: list[list[str]] = [[]]
    for raw in text.split("\n"):
        parts = raw.split("\f")
        for i, part in enumerate(parts):
            new_page = i > 0 or (leading_space_pages and PAGE_START.match(part) is not None)
            if new_page and any(not is_blank(line) for line in pages[-1]):
                pages.append([])
            pages[-1].append(part)
    return pages


def _split_link_annotations(lines: list[str]) -> tuple[list[str], list[str]]:
    """Separate the trailing run of bare URL lines (the PDF's link annotations)."""
    end = len(lines)
    urls: list[str] = []
    while end > 0 and (is_blank(lines[end - 1]) or URL_LINE.match(lines[end - 1].strip())):
        end -= 1
        if not is_blank(lines[end]):
            urls.append(lines[end].strip())
    return lines[:end], urls


def _footnote_region_start(lines: list[str], next_number: int) -> int | None:
    """Index of the blank line that opens the page's footnotes, if there are any."""
    for i in range(len(lines) - 1):
        match = FOOTNOTE_START.match(lines[i + 1].strip())
        if is_blank(lines[i]) and match and int(match.group(1)) == next_number:
            return i
    return None


def join_lines(lines: list[str], urls: set[str]) -> str:
    """Join lines of one block, undoing line-end hyphenation and split URLs."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        text = _join(text, line, urls) if text else line
    return re.sub(r" {2,}", " ", text)


def _join(left: str, right: str, urls: set[str]) -> str:
    last = left.split()[-1]
    glued = last + right.split()[0]
    if "://" in last and (any(url.startswith(glued) for url in urls) or last.endswith(("/", "-"))):
        return left + right
    if left.endswith("-") and left[-2:-1].isdigit() and right[:1].isdigit():
        return left + right  # a range such as 2018-2021
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        if right.split()[0].lower() in SUSPENDED_COMPOUND_JOINERS:
            return f"{left} {right}"
        if left[-2].isupper():
            return left + right
        return left[:-1] + right
    return f"{left} {right}"


def _looks_like_heading(line: str, following: str | None) -> bool:
    """A short line without closing punctuation, followed by a blank line."""
    stripped = line.strip()
    return (
        bool(stripped)
        and len(stripped) <= PLAIN_HEADING_MAX_CHARS
        and not stripped.endswith(SENTENCE_END)
        and "://" not in stripped
        and (following is None or is_blank(following))
    )


def parse_footnotes(lines: list[str], page: int | None, urls: set[str]) -> list[Footnote]:
    """Footnotes from a page's footnote lines: "1 text", continuation lines, "2 text" …"""
    groups: list[tuple[int, list[str]]] = []
    for line in lines:
        match = FOOTNOTE_START.match(line.strip())
        if match and (not groups or int(match.group(1)) == groups[-1][0] + 1):
            groups.append((int(match.group(1)), [match.group(2)]))
        elif groups and not is_blank(line):
            groups[-1][1].append(line)
    return [Footnote(n, join_lines(body, urls), page) for n, body in groups]


def analyse(text: str, leading_space_pages: bool = True) -> Layout:
    """Turn extracted text into body blocks and footnotes."""
    pages = split_pages(clean_characters(text), leading_space_pages)
    bodies: list[list[str]] = []
    urls: set[str] = set()
    footnotes: dict[int, Footnote] = {}
    for number, lines in enumerate(pages, start=1):
        body, page_urls = _split_link_annotations(lines)
        urls.update(page_urls)
        start = _footnote_region_start(body, len(footnotes) + 1)
        if start is not None:
            for note in parse_footnotes(body[start:], number, urls):
                footnotes[note.number] = note
            body = body[:start]
        bodies.append(body)
    return Layout(blocks=_blocks(bodies, urls), footnotes=footnotes, pages=len(pages))


def _blocks(bodies: list[list[str]], urls: set[str]) -> list[Block]:
    """Group body lines into blocks; a page break splits only before a heading or after a quote."""
    blocks: list[Block] = []
    current: list[str] = []
    current_page = 1

    def flush() -> None:
        if current:
            blocks.append(Block(join_lines(current, urls), current_page))
            current.clear()

    for page, lines in enumerate(bodies, start=1):
        content = list(lines)
        while content and is_blank(content[-1]):
            content.pop()
        first = next((i for i, line in enumerate(content) if not is_blank(line)), None)
        if first is not None and current:
            following = content[first + 1] if first + 1 < len(content) else None
            if _looks_like_heading(content[first], following) or QUOTE_END.search(join_lines(current, urls)):
                flush()
        for line in content:
            if is_blank(line):
                flush()
                continue
            if not current:
                current_page = page
            current.append(line)
    flush()
    return blocks
