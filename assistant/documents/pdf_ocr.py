"""Scanned PDF pages (no text layer) read by Tesseract's Swedish model, as words with boxes like pdfplumber's.

A page is rendered by pypdfium2 as it is shown (its ``/Rotate`` applied, so a scan stored landscape and
turned by 270° is read upright) and given to the ``tesseract`` program (Debian ``tesseract-ocr`` and
``tesseract-ocr-swe``; called as a program, no Python binding).  Its TSV output gives every word's box
in pixels; they become points on the shown page, so the rest of the PDF reader (rows, columns,
paragraphs, running headers) treats a scanned page as any other.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

import pypdfium2

from assistant.errors import UnreadableDocument

log = logging.getLogger(__name__)

LANGUAGE = "swe"
DPI = 300
"""Tesseract is trained on text of 10–12 pt at about 300 dpi; fewer dots lose the diacritics of å, ä, ö."""
MIN_CONFIDENCE = 30
"""Words Tesseract is less sure of than this (0–100) are specks of the scan's background, not text."""
LINE_HEIGHT_TO_SIZE = 0.85
"""A line's box (ascender to descender) is a little taller than its font size."""
INSTALL = "sudo apt-get install tesseract-ocr tesseract-ocr-swe"
TIMEOUT = 120
"""Seconds one page may take (a page takes 2–4 s on one core)."""


def tesseract_ready() -> bool:
    """Whether the ``tesseract`` program and its Swedish model are installed."""
    program = shutil.which("tesseract")
    if program is None:
        return False
    listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, check=False)
    return LANGUAGE in listed.stdout.split()


def missing_message() -> str:
    """The Swedish message for a scan when Tesseract is not installed: what to install."""
    return (
        "PDF-filen har inget textlager (den är inskannad) och textigenkänning (OCR) är inte installerad; "
        f"installera den med: {INSTALL}"
    )


def ocr_pages(data: bytes, indexes: list[int]) -> dict[int, tuple[list[dict], float]]:
    """The words (pdfplumber's keys) and shown height in points of each page in ``indexes`` (0-based)."""
    document = pypdfium2.PdfDocument(data)
    out = {}
    line_heights: list[float] = []
    try:
        for index in indexes:
            image = document[index].render(scale=DPI / 72, grayscale=True).to_pil()
            words, heights = _words(_tesseract(image))
            out[index] = (words, image.height * 72 / DPI)
            line_heights += heights
            log.info("OCR read page %d: %d words", index + 1, len(words))
    finally:
        document.close()
    size = round(statistics.median(line_heights) * LINE_HEIGHT_TO_SIZE, 1) if line_heights else 0.0
    for words, _ in out.values():
        for word in words:
            word["size"] = size
    return out


def _tesseract(image: object) -> str:
    """Tesseract's TSV for one page image."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "page.png"
        image.save(path)  # type: ignore[attr-defined]  # a PIL image
        try:
            done = subprocess.run(
                ["tesseract", str(path), "stdout", "-l", LANGUAGE, "tsv"],
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # its threads only contend on a busy machine
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("tesseract failed: %r", error)
            raise UnreadableDocument("Textigenkänningen (OCR) av en inskannad sida misslyckades.") from error
    return done.stdout


def _words(tsv: str) -> tuple[list[dict], list[float]]:
    """Tesseract's words as pdfplumber-like dicts in points (their size set later), and its lines' heights.

    A scan's lines are a little skewed, so a line's box is taller than its letters by how far it slants:
    its height says little about the font, and a typewritten document has one size anyway; every word
    gets the document's usual line size (:func:`ocr_pages`).
    """
    rows = list(csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    scale = 72 / DPI
    heights = [int(row["height"]) * scale for row in rows if row["level"] == "4"]
    words = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row["level"] != "5" or not text or float(row["conf"]) < MIN_CONFIDENCE:
            continue
        left, top, width, height = (int(row[key]) * scale for key in ("left", "top", "width", "height"))
        words.append(
            {
                "text": text,
                "x0": left,
                "x1": left + width,
                "top": top,
                "bottom": top + height,
                "size": 0.0,
                "fontname": "ocr",
                "upright": True,
            }
        )
    return words, heights
