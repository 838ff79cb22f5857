"""Compose a Swedish reply from retrieved passages, in the report's own words only.

The reply is Markdown: a short lead (the most relevant sentences, each cited),
the relevant quotes with their speaker, the relevant tips with their category,
supporting passages, and a numbered source list.  Every sentence in it is
either fixed framing text or copied verbatim from a passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.passages import Passage
from assistant.search.lexical import tokenize
from assistant.search.retrieve import Hit

DENSE_THRESHOLD = 0.8435
LEXICAL_THRESHOLD = 2.7
"""A question counts as answered when the best passage reaches either score.

Calibrated on the in-scope and out-of-scope questions of assistant/devtools/questions.jsonl
with the default model (`assistant eval` prints the calibration)."""
RELEVANT_FRACTION = 0.55
"""Hits scoring below this fraction of the best fused score are left out of the reply."""
LEAD_SENTENCES = 3
MAX_QUOTES = 3
MAX_TIPS = 4
MAX_PASSAGES = 2
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ”])")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


@dataclass(frozen=True)
class Answer:
    """A composed reply and the passages it cites ([1] is ``cited[0]``)."""

    question: str
    answered: bool
    markdown: str
    hits: list[Hit]
    cited: list[Hit]

    def to_dict(self) -> dict:
        """The JSON shape of ``assistant ask --json``."""
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.markdown,
            "results": [
                {
                    key: value
                    for key, value in hit.passage.to_dict().items()
                    if key
                    in (
                        "id",
                        "kind",
                        "text",
                        "document",
                        "title",
                        "section",
                        "page",
                        "role",
                        "municipality",
                        "category",
                        "citation",
                    )
                }
                | {"score": round(hit.score, 4)}
                for hit in self.hits
            ],
        }


def is_answered(hits: list[Hit]) -> bool:
    """Does the best passage look like an answer rather than a near miss?"""
    if not hits:
        return False
    return max(h.dense for h in hits) >= DENSE_THRESHOLD or max(h.lexical for h in hits) >= LEXICAL_THRESHOLD


def escape(text: str) -> str:
    """Report text shown literally in Markdown (no accidental emphasis, links or HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.split(text) if s.strip()]


def source_line(number: int, passage: Passage) -> str:
    return f"[{number}] {escape(passage.citation)}"


def _lead(question: str, hits: list[Hit], number: dict[str, int]) -> list[str]:
    """Up to three sentences from the best passages that share the most words with the question."""
    wanted = set(tokenize(question))
    candidates = []
    for rank, hit in enumerate(hits[:4]):
        if hit.passage.kind == "quote":
            continue
        for position, sentence in enumerate(sentences(hit.passage.text)):
            overlap = len(wanted & set(tokenize(sentence))) / max(1, len(wanted))
            candidates.append((hit.score + overlap - 0.02 * position, rank, position, sentence, hit))
    chosen = sorted(candidates, key=lambda c: -c[0])[:LEAD_SENTENCES]
    chosen = [c for c in chosen if c[0] >= chosen[0][0] - 0.5] if chosen else []
    return [f"{escape(c[3])} [{number[c[4].passage.id]}]" for c in sorted(chosen, key=lambda c: (c[1], c[2]))]


def compose(question: str, hits: list[Hit]) -> Answer:
    """Build the Markdown reply for ``question`` from its ranked ``hits``."""
    answered = is_answered(hits)
    if not hits:
        return Answer(question, False, "Jag hittar inget i rapporten som passar frågan.", [], [])
    best = max(h.score for h in hits)
    relevant = [h for h in hits if h.score >= RELEVANT_FRACTION * best] if answered else hits[:3]
    quotes = [h for h in relevant if h.passage.kind == "quote"][:MAX_QUOTES]
    tips = [h for h in relevant if h.passage.kind == "tip"][:MAX_TIPS]
    others = [h for h in relevant if h.passage.kind not in ("quote", "tip")][:MAX_PASSAGES]
    if answered and not others:
        others = [h for h in hits if h.passage.kind not in ("quote", "tip")][:1]
    cited = others[:1] + quotes + tips + others[1:]
    number = {h.passage.id: i for i, h in enumerate(cited, start=1)}

    parts: list[str] = []
    if answered:
        lead = _lead(question, others + tips, number)
        if lead:
            parts.append(" ".join(lead))
    else:
        parts.append(
            "**Rapporten verkar inte svara på den frågan.** "
            "Här är de stycken som ligger närmast – läs dem med det i åtanke."
        )
    if quotes:
        parts.append("### Citat")
        parts.extend(
            f"> ”{escape(h.passage.text)}”  \n> — {escape(h.passage.speaker or 'okänd')} [{number[h.passage.id]}]"
            for h in quotes
        )
    if tips:
        parts.append("### Tips ur rapporten")
        parts.append(
            "\n".join(
                f"- **{escape(h.passage.category or 'Tips')}:** {escape(h.passage.text)} [{number[h.passage.id]}]"
                for h in tips
            )
        )
    if others:
        parts.append("### Ur rapporten")
        parts.extend(f"{escape(h.passage.text)} [{number[h.passage.id]}]" for h in others)
    parts.append("### Källor")
    parts.append("  \n".join(source_line(i, h.passage) for i, h in enumerate(cited, start=1)))
    return Answer(question, answered, "\n\n".join(parts), hits, cited)
