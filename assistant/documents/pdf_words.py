"""The words of a PDF page, the rows they make and the lines read from those rows.

pdfplumber's words come with their boxes, font sizes and font names.  Ligatures
are spelled out, glyph bullets, symbol-font and private-use glyphs become "•"
(:mod:`assistant.documents.pdf_glyphs`), Adobe's private figures digits, and a
small filled dot or square just left of a word is a drawn bullet.  A ruled table
is one "word" per row that reads as a sentence.  Words of body size or larger
found the rows; smaller ones (superscript markers) join the row they overlap.
A line is a row's text with its dominant font size, weight and box.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from pdfplumber.page import Page

from assistant.documents.layout import clean_characters
from assistant.documents.pdf_glyphs import BULLET_CHARS, is_bullet_word, map_private
from assistant.documents.pdf_structure import split_long
from assistant.documents.tables import row_sentences, table_header, tidied

SMALL_PRINT_RATIO = 0.92
"""Footnote rows are set at most this large relative to the body (footnotes are usually 7.5–9 pt beside 10–12 pt)."""
WORD_GAP = 0.12
"""Words closer than this (in font sizes) are glued: a superscript footnote marker sits right on its word."""
BOLD = re.compile(r"Bold|Black|Heavy|Semibold|Demi", re.I)
LINE_BULLETS = {"·", "-", "o", "ñ"}
"""Single characters that are a bullet when they stand alone at the start of a line ("- text", "· text"); not
the en dash, which starts a line of running text ("– om måluppfyllelse")."""
VECTOR_BULLET = (1.5, 7.0)
"""A filled dot or square this many points wide, just left of a line, is a drawn bullet (Chromium: 3–5 pt)."""
CONTINUED_SHARE = 0.2
"""A table within this share of the page's height from its foot runs on; one this near the top goes on."""
UNMAPPED = re.compile(r"\(cid:\d+\)")
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})


@dataclass(frozen=True)
class Line:
    """One line of words: its text, box, dominant font size, boldness and column."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    column_right: float
    table: bool = False
    """A table row, read as one sentence: a block of its own."""

    @property
    def first_word_width(self) -> float:
        first = self.text.split(" ", 1)[0]
        return (self.x1 - self.x0) * len(first) / max(1, len(self.text))


@dataclass
class OpenTable:
    """The header of a ruled table that ran to the foot of the page read before (None when none did)."""

    header: list[str] | None = None


def read_words(page: Page, open_table: OpenTable | None = None) -> tuple[list[dict], int]:
    """The page's upright words (glyph bullets as "•", Adobe's private figures as digits, vector bullets added)
    and how many glyphs had no character."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, extra_attrs=["size", "fontname"])
    words, table_rows = _tables(page, words, open_table or OpenTable())
    out, lost = cleaned_words(words)
    return out + _vector_bullets(page, out) + table_rows, lost


def cleaned_words(words: list[dict]) -> tuple[list[dict], int]:
    """Upright words with ligatures spelled out, glyph bullets as "•", Adobe's private figures as digits;
    and how many glyphs had no character (pdfplumber's words or pdfium's, :mod:`pdf_fast`)."""
    out = []
    lost = 0
    for word in words:
        if not word.get("upright", True):
            continue
        raw = word["text"].translate(LIGATURES).translate(BULLET_CHARS)
        if raw.endswith("\xad"):  # a soft hyphen where the line was broken: a hyphen the joiner undoes
            raw = raw[:-1] + "-"
        if is_bullet_word(raw, word["fontname"]) or UNMAPPED.fullmatch(raw.strip()):
            out.append({**word, "text": "•"})  # a glyph without a character: in running text a bullet
            continue
        raw, dropped = map_private(raw)
        lost += dropped + len(UNMAPPED.findall(raw))
        text = clean_characters(UNMAPPED.sub("", raw)).strip()
        if text:
            out.append({**word, "text": text})
    return out, lost


def _tables(page: Page, words: list[dict], open_table: OpenTable) -> tuple[list[dict], list[dict]]:
    """Ruled tables (pdfplumber's table finder) as one "word" each holding its rows as facts that name their
    header cells (:func:`~assistant.documents.tables.row_sentences`), and the page's other words.

    A table of one column (a box drawn around text, a label above its value) is not a table: its words stay
    text, so its sentences run on across the box's line ends.  Only a page with ruling lines is searched: the
    finder looks for lines, and is slow on a page of text.  A table at the top of the page goes on from one
    that ran to the foot of the page before (``open_table``) when its columns agree: it gets that header.
    """
    carried, open_table.header = open_table.header, None
    if not page.lines and not page.rects:
        return words, []
    found = []
    for number, table in enumerate(page.find_tables()):
        x0, top, x1, bottom = table.bbox
        inside = [w for w in words if x0 <= w["x0"] and w["x1"] <= x1 and top <= w["top"] and w["bottom"] <= bottom]
        grid = table.extract()
        if len(table.rows) < 2 or not inside or max(map(len, tidied(grid, wrapped=True)), default=0) < 2:
            continue
        header = carried if number == 0 and top <= page.height * CONTINUED_SHARE else None
        texts = row_sentences(grid, wrapped=True, header=header)
        if not texts:
            continue
        words = [w for w in words if not any(w is i for i in inside)]
        found += table_words(texts, inside, (x0, top, x1, bottom))
        if bottom >= page.height * (1 - CONTINUED_SHARE):
            open_table.header = table_header(grid, wrapped=True) or header
    return words, found


def table_words(rows: list[str], inside: list[dict], box: tuple[float, float, float, float]) -> list[dict]:
    """A table's rows as one "word" per part where the table stands: each a block of its own, so a table is
    one passage, or a few cut at its rows' ends when long (:func:`split_long`), in the size of its words."""
    x0, top, x1, _ = box
    size = statistics.median(w["size"] for w in inside)
    parts = split_long([(row, None) for row in rows])
    return [
        {
            "text": clean_characters(" ".join(row for row, _ in part)),
            "x0": x0,
            "x1": x1,
            "top": top + i * 2 * size,
            "bottom": top + i * 2 * size + size,
            "size": size,
            "fontname": "table",
            "upright": True,
            "table": True,
        }
        for i, part in enumerate(parts)
    ]


def _vector_bullets(page: Page, words: list[dict]) -> list[dict]:
    """Small filled dots or squares just left of a word on their line, as "•" words (Chromium draws bullets)."""
    low, high = VECTOR_BULLET
    marks = []
    for shape in itertools.chain(page.curves, page.rects):
        width, height = shape["x1"] - shape["x0"], shape["bottom"] - shape["top"]
        if not (low <= width <= high and low <= height <= high and abs(width - height) <= 1.0 and shape.get("fill")):
            continue
        middle = (shape["top"] + shape["bottom"]) / 2
        follows = any(w["top"] <= middle <= w["bottom"] and 0 < w["x0"] - shape["x1"] <= 4 * w["size"] for w in words)
        if follows:
            size = height * 2
            marks.append(
                {
                    "text": "•",
                    "x0": shape["x0"],
                    "x1": shape["x1"],
                    "top": shape["top"],
                    "bottom": shape["bottom"],
                    "size": size,
                    "fontname": "vector",
                    "upright": True,
                }
            )
    return marks


def body_font_size(words: list[list[dict]]) -> float:
    """The document's body text size: the size most of its characters are set in (words per page)."""
    sizes: Counter[float] = Counter()
    for page in words:
        for word in page:
            sizes[round(word["size"], 1)] += len(word["text"])
    return sizes.most_common(1)[0][0]


def group_rows(words: list[dict], body_size: float) -> list[list[dict]]:
    """Words grouped into rows, top to bottom.

    Words of body size or larger found the rows (a word joins a row when its
    vertical middle lies inside it); smaller words (superscript markers) join
    the row they overlap most, and start rows of their own (footnotes) where
    they overlap none.
    """
    rows: list[list[dict]] = []
    bounds: list[tuple[float, float]] = []

    def place(word: dict) -> None:
        middle = (word["top"] + word["bottom"]) / 2
        for i, (top, bottom) in enumerate(bounds):
            if top <= middle <= bottom:
                rows[i].append(word)
                return
        rows.append([word])
        bounds.append((word["top"], word["bottom"]))

    large = [w for w in words if w["size"] >= body_size * SMALL_PRINT_RATIO]
    for word in sorted(large, key=lambda w: (w["top"], w["x0"])):
        place(word)
    founded = len(rows)
    for word in sorted((w for w in words if w["size"] < body_size * SMALL_PRINT_RATIO), key=lambda w: w["top"]):
        overlaps = [min(word["bottom"], b) - max(word["top"], t) for t, b in bounds[:founded]]
        best = max(range(founded), key=lambda i: overlaps[i], default=None)
        if best is not None and overlaps[best] > 0:
            rows[best].append(word)
        else:
            place(word)
    order = sorted(range(len(rows)), key=lambda i: bounds[i][0])
    return [sorted(rows[i], key=lambda w: w["x0"]) for i in order]


def row_text(row: list[dict]) -> str:
    """A row's words as text, a word glued to the one before when they (nearly) touch (OCR's words never are)."""
    text = row[0]["text"]
    for previous, word in itertools.pairwise(row):
        gap = word["x0"] - previous["x1"]
        glued = gap < WORD_GAP * min(word["size"], previous["size"]) and word["fontname"] != "ocr"
        text += ("" if glued else " ") + word["text"]
    return text


def row_size(row: list[dict]) -> float:
    """The size most of a row's characters are set in."""
    sizes: Counter[float] = Counter()
    for word in row:
        sizes[round(word["size"], 1)] += len(word["text"])
    return sizes.most_common(1)[0][0]


def column_lines(words: list[dict], body_size: float) -> list[Line]:
    """The lines of one column's (or region's) words, top to bottom; a lone "-" or "·" opening a line is "•"."""
    if not words:
        return []
    column_right = max(w["x1"] for w in words)
    lines = []
    for row in group_rows(words, body_size):
        size = row_size(row)
        main = [w for w in row if round(w["size"], 1) == size]
        chars = sum(len(w["text"]) for w in row)
        bold = sum(len(w["text"]) for w in row if BOLD.search(w["fontname"])) > 0.8 * chars
        text = row_text(row)
        first = text.split(" ", 1)
        if len(first) == 2 and first[0] in LINE_BULLETS:
            text = "• " + first[1]
        lines.append(
            Line(
                text=text,
                x0=row[0]["x0"],
                x1=row[-1]["x1"],
                top=min(w["top"] for w in main),
                bottom=max(w["bottom"] for w in main),
                size=size,
                bold=bold,
                column_right=column_right,
                table=any(w.get("table") for w in row),
            )
        )
    return lines
