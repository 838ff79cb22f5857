"""Sentences of a passage, as character spans, so a sentence can be scored, quoted and marked verbatim."""

from __future__ import annotations

import re

BOUNDARY = re.compile(r"(?<=[.!?:])[⁰¹²³⁴⁵⁶⁷⁸⁹]*\s+(?=[A-ZÅÄÖ”\"“–-])")
"""A sentence ends at . ! ? or : (often a question list: "…analysarbete: Hur ser …") before a capital or a quote."""
ABBREVIATIONS = ("t.ex.", "bl.a.", "d.v.s.", "dvs.", "m.m.", "s.k.", "t.o.m.", "fr.o.m.", "ca.", "jfr.", "resp.")
LABEL = re.compile(r"(?:^|[;–—|]\s*)[^\s;–—|]+(?:\s+[^\s;–—|]+){0,2}:$")
"""A form's or a table row's label: at most three words before a colon, opening the sentence or after ";" or a
dash ("1.4 Eco-driving:", "Kommunledningsförv – Ansvarig:", "Tidsplan:").  Its value after the colon belongs to
it, so the colon ends no sentence there: a lead or an excerpt never shows a label without its value."""


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, in order, without surrounding white space."""
    spans, start = [], 0
    for match in BOUNDARY.finditer(text):
        if text[: match.start()].lower().endswith(ABBREVIATIONS):
            continue
        if text[match.start() - 1] == ":" and LABEL.search(text[start : match.start()]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in (_strip(text, a, b) for a, b in spans) if b > a]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, verbatim."""
    return [text[a:b] for a, b in sentence_spans(text)]
