"""What the index embeds: each passage whole, and each of its sentences, both with their context.

A one-sentence answer drowns in the vector of a 1,000-character paragraph, so
every sentence is embedded too; a passage is then scored from its own vector
and its best sentence.  Section, speaker and tip category go with the words, so
a question naming a municipality, a role or a theme finds quotes whose words do
not repeat it.  A sentence also carries the sentence before it, which resolves
"Det" and "Citatet" openings (docs/evaluation.md, "What we tried").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.documents.passages import SECTION_SEPARATOR, Passage
from assistant.documents.sentences import sentence_spans


@dataclass(frozen=True)
class SentenceUnits:
    """Every sentence of every passage: its owner (passage position), its span and its embedded text."""

    owner: np.ndarray  # int64, one per sentence
    spans: np.ndarray  # int64 (start, end) per sentence, into the owner's text
    texts: list[str]


def context(passage: Passage) -> str:
    """Section, speaker and tip category, as words that precede the passage's text."""
    parts = [passage.section.replace(SECTION_SEPARATOR, ". ")]
    if passage.speaker:
        parts.append(passage.speaker)
    if passage.category:
        parts.append(f"Tips om {passage.category.lower()}")
    return ". ".join(p for p in parts if p)


def passage_text(passage: Passage) -> str:
    """The text that represents a whole passage, to the model and to BM25."""
    return f"{context(passage)}: {passage.text}"


def sentence_units(passages: list[Passage]) -> SentenceUnits:
    """The sentences of all passages, each embedded as "context: previous sentence. sentence"."""
    owner, spans, texts = [], [], []
    for position, passage in enumerate(passages):
        found = sentence_spans(passage.text)
        for number, (start, end) in enumerate(found):
            previous = passage.text[found[number - 1][0] : found[number - 1][1]] + " " if number else ""
            owner.append(position)
            spans.append((start, end))
            texts.append(f"{context(passage)}: {previous}{passage.text[start:end]}")
    return SentenceUnits(np.array(owner, dtype=np.int64), np.array(spans, dtype=np.int64).reshape(-1, 2), texts)
