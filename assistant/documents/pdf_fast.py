"""A page's words read by pdfium (pypdfium2), ten times faster than pdfminer, where the layout allows.

pdfplumber (on pdfminer, in Python) builds an object for every character with everything about it, and
that is most of the time a PDF takes to read (the SKL report's 44 pages: 3.5 s for the characters alone
beside 0.4 s in pdfium).  A page without vector shapes (no table rules, drawn bullets or charts to read;
one rule at most) and not rotated needs only its characters' text, boxes, sizes and font names: pdfium gives those, and
they are grouped into words as pdfplumber's ``extract_words`` does (a line by the characters' tops, a word
cut at a space, a gap wider than ``x_tolerance`` or a change of font or size).  Other pages are read by
pdfplumber (:func:`~assistant.documents.pdf_words.read_words`).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator

import pypdfium2
import pypdfium2.raw as pdfium_c

X_TOLERANCE = 1.5
Y_TOLERANCE = 2.0
"""As pdfplumber's ``extract_words`` is called in :func:`~assistant.documents.pdf_words.read_words`."""
SHAPES = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_SHADING)
MAX_SHAPES = 1
"""A page with this many shapes is still read here: one is a rule under a running header or above the
footnotes (7 of the SKL report's pages, 10 of Göteborg's); a table, a chart or drawn bullets are many."""


def fast_words(document: pypdfium2.PdfDocument, index: int) -> list[dict] | None:
    """The page's words as pdfplumber gives them, or None when the page needs pdfplumber (shapes, rotation)."""
    page = document[index]
    if page.get_rotation() or sum(obj.type in SHAPES for obj in page.get_objects(max_depth=4)) > MAX_SHAPES:
        return None
    height = page.get_height()
    text_page = page.get_textpage()
    try:
        chars = list(_chars(text_page, height))
    finally:
        text_page.close()
    return _words(chars)


def _chars(text_page: pypdfium2.PdfTextPage, height: float) -> Iterator[dict]:
    """Each character pdfium read (not the spaces and line breaks it adds itself), with its box as pdfminer
    makes it, in pdfplumber's coordinates (top from the page's top): the size is the font size scaled by the
    text matrix (a Mac's Quartz sets 1-pt fonts scaled up), the bottom the font's descent below the
    baseline, the top one size above it."""
    raw = text_page.raw
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    previous: dict | None = None
    for i in range(text_page.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            if code == 0x20 and previous is not None:  # a gap pdfium saw between words (italic boxes overlap)
                previous["space_after"] = True
            continue
        if code in (0, 0x0D, 0x0A, 0xFFFE):
            continue
        text = "-" if pdfium_c.FPDFText_IsHyphen(raw, i) == 1 or code == 0x02 else chr(code)
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, origin_x, origin_y)
        pdfium_c.FPDFText_GetMatrix(raw, i, matrix)
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * math.hypot(matrix.c, matrix.d)
        length = pdfium_c.FPDFText_GetFontInfo(raw, i, name, len(name), flags)
        previous = {
            "text": text,
            "x0": max(box.left, origin_x.value),  # the pen's position, as pdfminer's: an italic j leans left
            "x1": box.right,
            "top": height - box.bottom - size,
            "bottom": height - box.bottom,
            "size": round(size, 3),
            "fontname": name.raw[: max(0, length - 1)].decode("utf-8", "replace"),
            "upright": abs(pdfium_c.FPDFText_GetCharAngle(raw, i)) < 1e-3,
        }
        yield previous


def _words(chars: list[dict]) -> list[dict]:
    """Characters grouped into words: lines by their tops, then left to right, cut at spaces, gaps and font."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: c["top"]):
        if lines and abs(char["top"] - lines[-1][0]["top"]) <= Y_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    words = []
    for line in lines:
        current: list[dict] = []
        for char in sorted(line, key=lambda c: c["x0"]):
            if char["text"].isspace():
                words += _word(current)
                current = []
                continue
            if current and (
                current[-1].get("space_after")
                or char["x0"] - current[-1]["x1"] > X_TOLERANCE
                or char["size"] != current[-1]["size"]
                or char["fontname"] != current[-1]["fontname"]
                or char["upright"] != current[-1]["upright"]
            ):
                words += _word(current)
                current = []
            current.append(char)
        words += _word(current)
    return words


def _word(chars: list[dict]) -> list[dict]:
    if not chars:
        return []
    first = chars[0]
    return [
        {
            "text": "".join(c["text"] for c in chars),
            "x0": first["x0"],
            "x1": max(c["x1"] for c in chars),
            "top": min(c["top"] for c in chars),
            "bottom": max(c["bottom"] for c in chars),
            "size": first["size"],
            "fontname": first["fontname"],
            "upright": first["upright"],
        }
    ]
