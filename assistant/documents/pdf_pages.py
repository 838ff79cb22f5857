"""A PDF's pages as body columns: running headers and footers off, printed labels found, footnotes apart.

Rows at the top or bottom of the pages that repeat with their digits masked
(running header, footer, page numbers) are removed; their numbers give the
printed page label (:mod:`assistant.documents.pdf_labels`).  Small-print rows at
the foot that start with a number are footnotes.  The rest is split into columns
per region (:mod:`assistant.documents.pdf_columns`) and read as lines.  Pages
that are a table of contents are emptied.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.documents.pdf_columns import regions
from assistant.documents.pdf_labels import printed_labels
from assistant.documents.pdf_structure import is_contents_page
from assistant.documents.pdf_words import SMALL_PRINT_RATIO, Line, column_lines, group_rows, row_size, row_text

PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|sid|s\.|page)\s*)?[-–—]?\s*(?P<n>\d{1,4})\s*[-–—]?(?:\s*(?:(?:av|/|of)\s*\d{1,4}|\(\d{1,4}\)))?$",
    re.I,
)
"""A row that is a page number alone: "12", "– 12 –", "Sida 12 av 40", "SID 12 (40)", "12 (40)", "12/40"."""
ROMAN_PAGE_NUMBER = re.compile(r"^[ivxlc]{1,7}$")
"""A front-matter page number in roman numerals ("iii"): removed like a number, the page gets no label."""
EDGE_ROWS = 2
"""Rows at each end of a page that may be a running header or footer (a title line and a rule's caption)."""
EDGE_SHARE = 0.12
"""Header and footer rows lie within this share of the page height from its top or bottom edge."""
NUMBER_SHARE = 0.2
"""A row that is a page number alone may lie this far from the edge (LibreOffice's footer: 12 % from the foot)."""
REPEATED_SHARE = 0.3
"""A masked edge row on at least this share of the pages (and on two) is running: alternate even/odd headers
each appear on half of the pages."""


@dataclass
class Page:
    """One page: its printed label, its body as columns of lines, and its footnote rows."""

    label: int | None
    columns: list[list[Line]]
    footnote_rows: list[str]


def read_pages(
    words: list[list[dict]], heights: list[float], pdf_labels: list[int | None] | None, body_size: float
) -> list[Page]:
    """Per page: header, footer and footnote rows taken off, the printed label found, the body in columns."""
    rows = [group_rows(page, body_size) for page in words]
    edges = [_edge_rows(page_rows, height) for page_rows, height in zip(rows, heights, strict=True)]
    counts: Counter[str] = Counter()
    for page_edges in edges:
        counts.update({_pattern(row_text(row)) for row in page_edges})
    running = {p for p, n in counts.items() if n >= 2 and n >= REPEATED_SHARE * len(rows)}
    numbers: list[list[int]] = []
    every: list[set[int]] = []
    bare: list[int | None] = []
    bodies = []
    for page_rows, page_edges in zip(rows, edges, strict=True):
        removed = [row for row in page_edges if _is_page_number(row_text(row)) or _pattern(row_text(row)) in running]
        texts = [row_text(row) for row in removed]
        every.append({int(n) for text in texts for n in re.findall(r"\b\d{1,4}\b", text)})
        bare_match = next((m for m in (PAGE_NUMBER.match(t) for t in texts) if m), None)
        bare.append(int(bare_match.group("n")) if bare_match else None)
        outer = [int(n) for text in texts for n in _outer_numbers(text)]  # "SID 3 (25)" has its number inside
        numbers.append([*outer, bare[-1]] if bare[-1] is not None and bare[-1] not in outer else outer)
        bodies.append([row for row in page_rows if not any(row is r for r in removed)])
    constant = {n for n, pages in Counter(n for page in every for n in page).items() if pages >= 2}
    numbers = [[n for n in page if n not in constant] for page in numbers]  # a year or an issue number
    labels = printed_labels(numbers, bare, pdf_labels)
    pages = []
    for body_rows, label in zip(bodies, labels, strict=True):
        footnote_start = len(body_rows)
        while footnote_start > 0 and row_size(body_rows[footnote_start - 1]) < body_size * SMALL_PRINT_RATIO:
            footnote_start -= 1
        while footnote_start < len(body_rows) and not re.match(r"\d", row_text(body_rows[footnote_start])):
            footnote_start += 1
        footnote_rows = [row_text(r) for r in body_rows[footnote_start:]]
        segments = regions(body_rows[:footnote_start], body_size)
        pages.append(Page(label, [column_lines(words, body_size) for words in segments], footnote_rows))
    _drop_contents(pages)
    return pages


def _pattern(text: str) -> str:
    """A row with its numbers masked ("Välfärd Nr 3 2007 21" → "välfärd nr #"): the same on every page."""
    return re.sub(r"\d+(?:\s+\d+)*", "#", text.casefold())


def _drop_contents(pages: list[Page]) -> None:
    """Empty the pages that are a table of contents (a TOC repeats the headings and is not text to answer from)."""
    after_contents = False
    for page in pages:
        after_contents = is_contents_page([line.text for column in page.columns for line in column], after_contents)
        if after_contents:
            page.columns = []


def _outer_numbers(text: str) -> list[int]:
    """Numbers at the start or end of a header or footer row: where page numbers are printed."""
    tokens = text.split()
    return [int(t) for t in {tokens[0], tokens[-1]} if re.fullmatch(r"\d{1,4}", t)]


def _is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text) or ROMAN_PAGE_NUMBER.match(text))


def _edge_rows(rows: list[list[dict]], height: float) -> list[list[dict]]:
    """The first and last EDGE_ROWS rows of a page that lie near its top or bottom edge (a page number alone
    a little further in)."""

    def near(row: list[dict], share: float) -> bool:
        return row[0]["bottom"] <= height * share or row[0]["top"] >= height * (1 - share)

    edges = [
        row
        for row in rows[:EDGE_ROWS] + rows[-EDGE_ROWS:]
        if near(row, EDGE_SHARE) or (near(row, NUMBER_SHARE) and _is_page_number(row_text(row)))
    ]
    return [row for i, row in enumerate(edges) if not any(row is r for r in edges[:i])]
