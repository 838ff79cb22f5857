"""A PDF's lines joined into blocks, each with its heading style, across columns and pages.

Blocks are cut at paragraph spacing (more than the document's usual space
between lines), a change of heading style (larger or bold lines), a bullet, a
table row, a first-line indent after a sentence end, or a line back at the edge
of a hanging-indented list item.  A block that runs to the end of a column or
page goes on in the next one unless the last line was ended on purpose (the
next word would have fitted).  A paragraph longer than a screen is split at
sentence ends, each part with its own page
(:func:`~assistant.documents.pdf_structure.split_long`).
"""

from __future__ import annotations

import itertools
import statistics

from assistant.documents.layout import Block, join_lines
from assistant.documents.pdf_pages import Page
from assistant.documents.pdf_structure import split_long
from assistant.documents.pdf_words import Line

HEADING_SIZE_RATIO = 1.12
"""A line at least this much larger than the body text is a heading (body 10–11 pt, smallest headings ≈ 12 pt)."""
PARAGRAPH_SPACE = 0.3
"""Extra space between lines, in body font sizes, that starts a new paragraph (paragraph spacing is ≥ 0.5)."""
HANGING_INDENT = 6.0
"""Points a paragraph's first line, or a list item's other lines, stand in (Word: 0.63 cm = 18 pt, SKL 17 pt)."""
HANGING_SLACK = 1.5
SENTENCE_END = (".", "!", "?", ":", "”", '"', ")")
LABEL_SIZE_RATIO = 0.8
"""A bold line this large relative to the body is a heading: a form's or a box's label set a point smaller than
the body (Göteborg's boxed "Orsak till att avvikelsen uppstått", 9 pt bold beside 11 pt body), so that its
value goes under it instead of after it."""

Style = tuple[float, bool] | None
"""A line's heading style (size, bold), or None for body text."""


def join_blocks(pages: list[Page], body_size: float, urls: set[str]) -> list[tuple[Block, Style]]:
    """Lines joined into blocks, each with its heading style; pages and columns in reading order."""
    spacing = _line_spacing(pages, body_size)
    blocks: list[tuple[Block, Style]] = []
    lines: list[tuple[Line, int | None]] = []
    style: Style = None

    def flush() -> None:
        parts = [[(line.text, label) for line, label in lines]]
        if style is None and not lines[0][0].text.startswith(("•", "”", "“", '"')):
            parts = split_long(parts[0])
        for part in parts:
            blocks.append((Block(join_lines([text for text, _ in part], urls), part[0][1]), style))
        lines.clear()

    for page in pages:
        for column in page.columns:
            previous: Line | None = None
            started_here = False  # whether the open block began in this column (a page's margins differ)
            for line in column:
                line_style = _style(line, body_size)
                if lines and (
                    _starts_block(line, line_style, previous, lines[-1][0], style, spacing, body_size)
                    or (started_here and _indent_break(line, previous, [x for x, _ in lines]))
                ):
                    flush()
                if not lines:
                    style = line_style
                    started_here = True
                lines.append((line, page.label))
                previous = line
    if lines:
        flush()
    return blocks


def join_heading_lines(blocks: list[tuple[Block, Style]]) -> list[tuple[Block, Style]]:
    """A heading set over two lines with a gap between them ("Avhopp i politiken" / "vanligare bland kvinnor")
    as one heading: the same style, the second line going on in lower case."""
    joined: list[tuple[Block, Style]] = []
    for block, style in blocks:
        if joined and style and joined[-1][1] == style and block.text[:1].islower():
            previous = joined[-1][0]
            text = join_lines([previous.text, block.text], set())  # "valdelta-" / "gandet": one word again
            joined[-1] = (Block(text, previous.page, previous.heading), style)
        else:
            joined.append((block, style))
    return joined


def _style(line: Line, body_size: float) -> Style:
    """The heading style of a line (size, bold), or None for body text."""
    if line.size >= body_size * HEADING_SIZE_RATIO or (line.bold and line.size >= body_size * LABEL_SIZE_RATIO):
        return (round(line.size * 2) / 2, line.bold)
    return None


def _starts_block(
    line: Line,
    line_style: Style,
    previous: Line | None,
    last: Line,
    style: Style,
    spacing: float,
    body_size: float,
) -> bool:
    """Whether ``line`` opens a new block after ``last`` (``previous`` is None at the top of a column)."""
    if line_style != style or line.text.startswith("•") or line.table or last.table:
        return True
    if previous is None:
        if style or line.text.startswith(("”", "“")):
            return True
        leftover = last.column_right - last.x1
        ended = last.text.endswith(SENTENCE_END) and leftover > line.first_word_width + 0.5 * last.size
        return ended
    scale = line.size / body_size if style else 1.0  # a heading's lines are spaced by its own size
    return line.top - previous.bottom > scale * spacing + PARAGRAPH_SPACE * body_size * scale


def _indent_break(line: Line, previous: Line | None, block: list[Line]) -> bool:
    """A new paragraph or list item shown by indentation rather than spacing.

    A first-line indent: this line stands in from the one before, which ended a sentence (a Word report's
    paragraphs without spacing).  A hanging indent: the block's first line stands out to the left of the
    lines under it, and this line is back at that first line's edge ("1. Att artikulera …" / "   och …").
    """
    if previous is None:
        return False
    if line.x0 - previous.x0 >= HANGING_INDENT and previous.text.endswith(SENTENCE_END):
        return True
    first = block[0]
    return (
        len(block) >= 2
        and block[1].x0 - first.x0 >= HANGING_INDENT
        and previous.x0 - first.x0 >= HANGING_INDENT
        and abs(line.x0 - first.x0) <= HANGING_SLACK
    )


def _line_spacing(pages: list[Page], body_size: float) -> float:
    """The usual white space between two lines of body text (the median)."""
    gaps = [
        line.top - previous.bottom
        for page in pages
        for column in page.columns
        for previous, line in itertools.pairwise(column)
        if previous.size == line.size == body_size and line.top > previous.bottom
    ]
    return statistics.median(gaps) if gaps else 0.2 * body_size
