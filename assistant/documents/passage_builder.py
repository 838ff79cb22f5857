"""A document's layout → passages: quotes with their speakers, tips with their categories, paragraphs.

Every block becomes one passage under its section; a section whose short introduction names the headings
after it becomes their parent ("Röster på tre nivåer › Röster från politiken").  Any reader's layout
(PDF, Word, web page, Markdown, text) is turned into passages here the same way.
"""

from __future__ import annotations

import logging
import re

from assistant.documents.layout import PLAIN_HEADING_MAX_CHARS, SENTENCE_END, Block, Footnote, Layout
from assistant.documents.passages import CATEGORIES, ROLES, SECTION_SEPARATOR, Kind, Passage, passage_id

log = logging.getLogger(__name__)

QUOTE = re.compile(r"^[”\"](?P<text>.+)[”\"]\s*\((?P<speaker>[^()]+)\)$", re.S)
QUOTE_OPEN = ("”", '"', "“")
BULLET = re.compile(r"^(?:•|[-*]\s)\s*")
CATEGORY = re.compile(r"^(?P<name>[A-ZÅÄÖ][\wåäö]+):$")
FOOTNOTE_MARKER = re.compile(r"(?<=[^\W\d_]|[.”)])(?P<number>\d{1,3})(?=[\s,.;:)]|$)")
COMMENTARY = re.compile(r"^(Som )?(citatet|citaten|detta citat|dessa citat)\b", re.IGNORECASE)
"""A paragraph that discusses the quote before it ("Citatet ovan illustrerar …", "Som citatet visar …")."""
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class PassageBuilder:
    """Walks a document's blocks in order, tracking section and tip category."""

    def __init__(self, document: str, title: str, layout: Layout) -> None:
        self.document = document
        self.title = title
        # The title set as the document's first heading is not a section, unless it is only the first heading.
        self.own_title = title if title in (layout.title, layout.cover_title) else ""
        self.title_level = 0
        self.footnotes: dict[int, Footnote] = layout.footnotes
        self.ocr_pages = layout.ocr_pages
        self.styled = layout.styled
        self.leveled = layout.styled and any(b.heading > 1 for b in layout.blocks)
        self.next_marker = 1
        self.section_path: list[str] = []
        self.section_levels: list[int] = []  # the heading level of each entry of section_path
        self.parent: tuple[str, str] | None = None  # (heading, intro text)
        self.candidate: tuple[str, list[Block]] | None = None
        self.category: str | None = None
        self.passages: list[Passage] = []
        self.seen_ids: set[str] = set()
        self.last_quote: tuple[str, str] | None = None  # (section, id) of the latest quote

    def build(self, blocks: list[Block]) -> list[Passage]:
        for block in blocks:
            self._take(block)
        return self.passages

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)

    def _take(self, block: Block) -> None:
        text = block.text
        category = CATEGORY.match(text)
        heading_level = 0 if category else self._heading_level(block)
        if heading_level and not self.section_path and not self.title_level and _same(text, self.own_title):
            # The title set as the first heading (a cover, a web page's h1), perhaps after a site's navigation
            # printed above it.
            self.title_level = heading_level
            return
        if heading_level:
            self._enter_heading(text, max(1, heading_level - self.title_level))
            return
        if self.candidate is not None:
            self.candidate[1].append(block)
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

    def _heading_level(self, block: Block) -> int:
        """0 for no heading; else its level: the reader's for styled documents, 1 for a plain-text heading."""
        if self.styled:
            return block.heading
        text = block.text
        is_heading = (
            len(text) <= PLAIN_HEADING_MAX_CHARS
            and not text.endswith((*SENTENCE_END, ":"))
            and "://" not in text
            and not text.startswith(QUOTE_OPEN)
            and not BULLET.match(text)
            and text[:1].isupper()
        )
        return 1 if is_heading else 0

    def _enter_heading(self, title: str, level: int) -> None:
        self.category = None
        if self.leveled:
            # A heading closes every open heading of its own level or deeper: levels that skip (h2 after
            # a title, h3 under h1) nest once, and headings of one level stay siblings.
            while self.section_levels and self.section_levels[-1] >= level:
                self.section_levels.pop()
                self.section_path.pop()
            self.section_levels.append(level)
            self.section_path.append(title)
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

    def _add_quote(self, text: str, page: int | None, refs: dict[str, str]) -> None:
        match = QUOTE.match(text)
        if not match:
            log.warning("Quote without a speaker in %s, page %s", self.document, page)
            self._add("quote", text.strip('”"“ '), page, refs)
            return
        speaker = [part.strip() for part in match.group("speaker").split(",")]
        role = speaker[0] if speaker[0] in ROLES or len(speaker) > 1 else None
        municipality = ", ".join(speaker[1:]) or None
        self._add("quote", match.group("text").strip(), page, refs, role=role, municipality=municipality)

    def _add(self, kind: Kind, text: str, page: int | None, refs: dict[str, str], **extra: str | None) -> None:
        base = passage_id(self.document, kind, self.section, text)
        pid, n = base, 1
        while pid in self.seen_ids:
            n += 1
            pid = f"{base}-{n}"
        self.seen_ids.add(pid)
        if kind == "paragraph" and COMMENTARY.match(text) and self.last_quote and self.last_quote[0] == self.section:
            extra["discusses"] = self.last_quote[1]
        if kind == "quote":
            self.last_quote = (self.section, pid)
        if page in self.ocr_pages:
            extra["reading"] = "ocr"
        if extra.get("category") and extra["category"] not in CATEGORIES:
            log.info("Tip category %r is not one of %s", extra["category"], CATEGORIES)
        self.passages.append(
            Passage(
                id=pid,
                kind=kind,
                text=text,
                document=self.document,
                title=self.title,
                section=self.section,
                page=page,
                footnotes=refs,
                **extra,
            )
        )


def _names_heading(intro: str, heading: str) -> bool:
    """True when the intro mentions the heading's last word ("… förvaltningen …")."""
    last = heading.split()[-1].lower()
    return re.search(rf"\b{re.escape(last)}\b", intro.lower()) is not None


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
