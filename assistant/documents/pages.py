"""A PDF passage shown where it stands: its page rendered (pypdfium2) with the passage's words highlighted.

The passage carries the page label printed on the page; the page is found by
that label and, among pages so labelled (or, failing that, all pages), by how
many of the passage's word triples it holds.  A word on the page is marked when
it is in a run of consecutive words whose every triple also occurs in the passage,
so line-end hyphens and footnote markers only leave a word or two unmarked, and
common phrases elsewhere on the page stay unmarked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

import pdfplumber
import pypdfium2
from PIL import Image, ImageDraw

from assistant.documents.pdf import read_page_labels
from assistant.errors import UnreadableDocument

RENDER_SCALE = 1.6
"""Pixels per point: 1.6 gives an A4 page about 950 px wide, sharp in the side panel without a huge PNG."""
HIGHLIGHT = (253, 224, 71, 110)
TOKEN = re.compile(r"[^\W_]+")
MIN_RUN = 6
"""Shorter runs of shared words are common phrases ("enligt de intervjuade"), not the passage."""


@dataclass(frozen=True)
class PageView:
    """A rendered page with the passage marked, and where it is in the file."""

    image: Image.Image
    index: int  # 0-based physical page
    label: int | None
    marked_words: int


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in TOKEN.findall(text)]


def _triples(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def _marked(words: list[dict], passage: set[tuple[str, ...]]) -> list[dict]:
    """Page words inside runs of at least MIN_RUN words whose every triple is in the passage."""
    words = [w for w in words if _tokens(w["text"])]
    tokens = [_tokens(w["text"])[0] for w in words]
    flags = [False] * len(words)
    for i in range(len(tokens) - 2):
        if tuple(tokens[i : i + 3]) in passage:
            flags[i] = flags[i + 1] = flags[i + 2] = True
    marked: list[dict] = []
    run: list[dict] = []
    for word, flag in zip(words, flags, strict=True):
        if flag:
            run.append(word)
            continue
        marked.extend(run if len(run) >= MIN_RUN else [])
        run = []
    return marked + (run if len(run) >= MIN_RUN else [])


def render_passage_page(data: bytes, text: str, label: int | None) -> PageView:
    """The page of ``data`` (a PDF) that holds ``text``, rendered, with the text highlighted."""
    passage = _triples(_tokens(text))
    try:
        labels = read_page_labels(data)
        with pdfplumber.open(BytesIO(data)) as pdf:
            candidates = [i for i, page_label in enumerate(labels) if page_label == label] or range(len(pdf.pages))
            scored = []
            for i in candidates:
                words = _marked(pdf.pages[i].extract_words(x_tolerance=1.5, y_tolerance=2), passage)
                scored.append((len(words), -i, words))
            count, negative_index, words = max(scored, key=lambda s: (s[0], s[1]))
        index = -negative_index
        page = pypdfium2.PdfDocument(data)[index]
        image = page.render(scale=RENDER_SCALE).to_pil().convert("RGBA")
    except UnreadableDocument:
        raise
    except Exception as error:
        raise UnreadableDocument(
            f"Sidan kan inte visas: PDF-filen går inte att rita ({type(error).__name__})."
        ) from error
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for word in words:
        box = [word["x0"] - 1, word["top"] - 1, word["x1"] + 1, word["bottom"] + 1]
        draw.rectangle([v * RENDER_SCALE for v in box], fill=HIGHLIGHT)
    return PageView(Image.alpha_composite(image, overlay).convert("RGB"), index, labels[index], count)
