"""Parts of a PDF page that are not running text: tables of contents and charts; and overlong paragraphs.

A table of contents is found by its look, not its position: a page with a
heading "Innehåll"/"Innehållsförteckning" or with dot leaders ("Metod ....... 8"),
whose lines mostly end in a page number; a page right after one whose lines
still end in numbers continues it.  Chart text (tick labels, axis titles set
letter by letter, legends of a word or two) is a block of numbers and stray
letters with at most one real word.  A paragraph longer than a screen
(a Word report's 5,000-character sections) is cut at line ends that end a
sentence, near :data:`TARGET_CHARS`, so each part is a passage of its own with
the page where it starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

CONTENTS_HEADING = re.compile(r"^(?:innehåll(?:sförteckning)?|innehåll och sidor|table of contents|contents)$", re.I)
DOT_LEADER = re.compile(r"(?:\.\s*){4,}|…{2,}|(?:\.\s?){3,}\s*\d{1,3}\s*$")
ENDS_IN_PAGE = re.compile(r"\S\s+\d{1,3}$")
CONTENTS_SHARE = 0.5
"""A contents page has at least half its lines ending in a page number (the rest: headings over two lines)."""
WORD = re.compile(r"[^\W\d_]{4,}")
TARGET_CHARS = 1000
"""Where a long paragraph is cut (the next sentence end after it): about a screen of text in the sources panel."""
MAX_CHARS = 1600
"""Paragraphs up to this long stay whole: the report's longest is 1,415 characters and must not be cut."""
SENTENCE_END = (".", "!", "?", "”", '"')

T = TypeVar("T")


def is_contents_page(lines: Sequence[str], after_contents: bool) -> bool:
    """Whether a page's lines are a table of contents (or, right after one, its continuation)."""
    texts = [line.strip() for line in lines if line.strip()]
    if not texts:
        return False
    numbered = sum(1 for t in texts if ENDS_IN_PAGE.search(t) or DOT_LEADER.search(t))
    titled = any(CONTENTS_HEADING.match(t.rstrip(":")) for t in texts)
    leaders = sum(1 for t in texts if DOT_LEADER.search(t))
    if titled or leaders >= 3:
        return numbered >= CONTENTS_SHARE * (len(texts) - 1) and numbered >= 3
    return after_contents and numbered >= CONTENTS_SHARE * len(texts) and ENDS_IN_PAGE.search(texts[0]) is not None


def is_chart_text(text: str) -> bool:
    """A chart's tick labels, axis titles or a short legend: mostly numbers and lone letters, at most one word."""
    tokens = text.split()
    if not tokens or len(WORD.findall(text)) > 1:
        return False
    numeric = sum(1 for t in tokens if len(t) == 1 or re.fullmatch(r"[\d\s.,%–\-+]+", t))
    return numeric / len(tokens) >= 0.5


def split_long(lines: Sequence[tuple[str, T]]) -> list[list[tuple[str, T]]]:
    """A paragraph's lines (text, page) in parts: cut at a line that ends a sentence once TARGET_CHARS are
    reached, when the paragraph is longer than MAX_CHARS and enough is left for another part."""
    total = sum(len(text) + 1 for text, _ in lines)
    if total <= MAX_CHARS:
        return [list(lines)]
    parts: list[list[tuple[str, T]]] = [[]]
    length = 0
    for text, page in lines:
        parts[-1].append((text, page))
        length += len(text) + 1
        total -= len(text) + 1
        if length >= TARGET_CHARS and text.rstrip().endswith(SENTENCE_END) and total >= TARGET_CHARS / 2:
            parts.append([])
            length = 0
    return [part for part in parts if part]


def page_ranges(labels: Sequence[int]) -> str:
    """Page labels as a Swedish range list: "s. 3", "s. 20–21", "s. 3, 7–9"."""
    numbers = sorted(set(labels))
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][-1] + 1:
            spans[-1].append(number)
        else:
            spans.append([number])
    return "s. " + ", ".join(str(s[0]) if len(s) == 1 else f"{s[0]}–{s[-1]}" for s in spans)
