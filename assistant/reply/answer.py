"""Compose a short Swedish reply from retrieved passages, in the report's own words only.

The reply leads with the answer: one to three sentences copied verbatim from
the best passages, each cited; then the quotes that answer (with their
speaker), the tips that answer (with their category), and "Läs mer": the
matched sentences of supporting passages.  Every sentence in it is either
fixed framing or copied from a passage; no passage is shown twice, and [n]
numbers the sources in order of appearance.  A question the report does not
answer gets what the report does not cover, and at most two nearby passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from assistant.documents.passages import Passage
from assistant.documents.sentences import sentence_spans
from assistant.reply.answerability import Decision
from assistant.search.lexical import tokenize
from assistant.search.retrieve import Hit

RELEVANT_FRACTION = 0.6
"""Quotes, tips and excerpts scoring below this fraction of the best fused score stay out of the reply."""
LEAD_SENTENCES = 3
LEAD_MARGIN = 0.02
"""A second or third lead sentence must score within this of the best one (sentence cosine + overlap)."""
LEAD_OVERLAP_WEIGHT = 0.05
"""Weight of the share of question words a sentence contains, beside its cosine (0.80–0.90 for e5)."""
LEAD_MIN_CHARS = 30
LEAD_MAX_CHARS = 400
"""No further lead sentence once the lead would pass this length (the answer must come first, short)."""
LEAD_FROM = 6
"""Lead sentences come from paragraphs among this many best passages."""
MAX_QUOTES = 2
MAX_TIPS = 3
MAX_TIPS_ASKED = 4
MAX_EXCERPTS = 2
NEARBY = 2
"""Passages shown under "Närliggande i rapporten" when the question is declined."""
LONG_QUOTE_CHARS = 320
"""A longer quote is shown as its best sentences with "…"; the sources panel has it whole."""
TIP_WORDS = re.compile(r"\b(tips?|tipsen|råd|råden|rekommendation\w*|advice)\b", re.IGNORECASE)
LEANING = re.compile(r"^(Detta|Dessa|Denna|Därför|Dessutom|Samtidigt|Sådana|Därmed|Även|Också)\b")
"""A sentence opening like this refers to the one before; the lead shows both."""
COMMENTARY_SENTENCE = re.compile(r"\bcitat(et|en)?\b", re.IGNORECASE)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
SOURCES_HEADING = "### Källor"


NOT_DECIDED = Decision(False, "weak_match")


@dataclass(frozen=True)
class Focus:
    """The municipality a question is about (named or filtered), among the places the corpus covers."""

    municipality: str | None = None
    places: tuple[str, ...] = ()

    def elsewhere(self, sentence: str) -> bool:
        """True for a sentence about another covered municipality and not this one (no answer for it)."""
        if not self.municipality or self.municipality in sentence:
            return False
        return any(place in sentence for place in self.places if place != self.municipality)


NO_FOCUS = Focus()


@dataclass(frozen=True)
class LeadSentence:
    """A sentence of the lead and the passage it is copied from."""

    text: str
    passage: Passage


@dataclass(frozen=True)
class Answer:
    """A composed reply and what it shows, in order ([1] is ``cited[0]``)."""

    question: str
    answered: bool
    markdown: str
    hits: list[Hit]
    cited: list[Hit]
    decision: Decision = NOT_DECIDED
    searched: str | None = None
    lead: list[LeadSentence] = field(default_factory=list)
    quotes: list[Hit] = field(default_factory=list)
    tips: list[Hit] = field(default_factory=list)
    excerpts: list[Hit] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The reply without its source list."""
        return self.markdown.split(SOURCES_HEADING)[0].rstrip()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``assistant ask --json``."""
        return {
            "question": self.question,
            "answered": self.answered,
            "decision": {
                "answered": self.answered,
                "reason": self.decision.reason,
                "not_covered": list(self.decision.not_covered),
                "absent_words": list(self.decision.absent_words),
            },
            "searched": self.searched,
            "answer": self.markdown,
            "reply": {
                "lead": [{"text": s.text, "id": s.passage.id} for s in self.lead],
                "quotes": [_result(h) for h in self.quotes],
                "tips": [_result(h) for h in self.tips],
                "excerpts": [_result(h) for h in self.excerpts],
            },
            "results": [_result(h) for h in self.hits],
        }


RESULT_FIELDS = (
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


def _result(hit: Hit) -> dict[str, Any]:
    data = hit.passage.to_dict()
    return {key: data[key] for key in RESULT_FIELDS if key in data} | {"score": round(hit.score, 4)}


def escape(text: str) -> str:
    """Report text shown literally in Markdown (no accidental emphasis, links or HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def source_line(number: int, passage: Passage) -> str:
    return f"[{number}] {escape(passage.citation)}"


class _Numbering:
    """[n] in order of first appearance."""

    def __init__(self) -> None:
        self.cited: list[Hit] = []
        self._numbers: dict[str, int] = {}

    def __call__(self, hit: Hit) -> str:
        if hit.passage.id not in self._numbers:
            self.cited.append(hit)
            self._numbers[hit.passage.id] = len(self.cited)
        return f"[{self._numbers[hit.passage.id]}]"

    def __contains__(self, hit: Hit) -> bool:
        return hit.passage.id in self._numbers


def _content(text: str) -> set[str]:
    return set(tokenize(text))


def _lead(question: str, hits: list[Hit], focus: Focus) -> list[tuple[str, Hit]]:
    """Up to three sentences that answer, from the best passages: by cosine and question-word overlap.

    From paragraphs, and from the best-ranked quote only (ranking knows the
    speaker a question names; a sentence's cosine does not).  A sentence ending
    in ":" introduces a list and is no answer alone.  Adding the passage's fused
    score, or a penalty per rank, measured no better (README, "What we tried").
    """
    wanted = _content(question)
    first_quote = next((h.passage.id for h in hits if h.passage.kind == "quote"), None)
    candidates = []
    for hit in hits[:LEAD_FROM]:
        if hit.passage.kind != "paragraph" and hit.passage.id != first_quote:
            continue
        for sentence, cosine in zip(hit.sentences, hit.sentence_scores, strict=True):
            if len(sentence) < LEAD_MIN_CHARS or sentence.endswith(":") or focus.elsewhere(sentence):
                continue
            overlap = len(wanted & _content(sentence)) / max(1, len(wanted))
            candidates.append((cosine + LEAD_OVERLAP_WEIGHT * overlap, sentence, hit))
    candidates.sort(key=lambda c: -c[0])
    if not candidates:
        return []
    best = candidates[0][0]
    chosen: list[tuple[str, Hit]] = []
    for score, sentence, hit in candidates:
        if len(chosen) == LEAD_SENTENCES or score < best - LEAD_MARGIN:
            break
        shown = _with_antecedent(sentence, hit.passage.text)
        if chosen and sum(len(s) for s, _ in chosen) + len(shown) > LEAD_MAX_CHARS:
            break
        chosen.append((shown, hit))
    order = {hit.passage.id: rank for rank, hit in enumerate(hits)}
    return sorted(chosen, key=lambda c: (order[c[1].passage.id], c[1].passage.text.find(c[0])))


def _excerpt(hit: Hit, sentences: int = 2) -> str:
    """The passage's best sentences in text order, with "…" where text is left out."""
    text = hit.passage.text
    chosen = sorted(((text.find(s), s) for s in hit.sentences[:sentences] if s in text), key=lambda x: x[0])
    if not chosen:
        return text
    parts, end = [], 0
    for start, sentence in chosen:
        parts.append(("… " if start > end else "") + sentence)
        end = start + len(sentence)
    return " ".join(parts) + (" …" if end < len(text.rstrip()) else "")


def _quote_text(hit: Hit) -> str:
    return hit.passage.text if len(hit.passage.text) <= LONG_QUOTE_CHARS else _excerpt(hit)


def _quote_block(hit: Hit, number: str) -> str:
    return f"> ”{escape(_quote_text(hit))}”  \n> — {escape(hit.passage.speaker or 'okänd talare')} {number}"


def compose(
    question: str, hits: list[Hit], decision: Decision, searched: str | None = None, focus: Focus = NO_FOCUS
) -> Answer:
    """Build the Markdown reply for ``question`` from its ranked ``hits`` and the answerability decision."""
    if not hits:
        return Answer(question, False, "Jag hittar inget i rapporten som passar frågan.", [], [], decision, searched)
    if not decision.answered:
        return _declined(question, hits, decision, searched)
    best = hits[0].score
    relevant = [h for h in hits if h.score >= RELEVANT_FRACTION * best]
    asks_tips = bool(TIP_WORDS.search(question))
    tips = [h for h in relevant if h.passage.kind == "tip"][: MAX_TIPS_ASKED if asks_tips else MAX_TIPS]
    lead = _lead(question, hits, focus)
    lead_ids = {hit.passage.id for _, hit in lead}
    quotes = [h for h in _quotes(relevant, hits, lead) if h.passage.id not in lead_ids]
    number = _Numbering()
    parts = _notices(searched, decision)
    if lead:
        parts.append(_lead_paragraph(lead, number))
    sections = [("### Citat", [_quote_block(h, number(h)) for h in quotes])] if quotes else []
    tip_lines = "\n".join(
        f"- **{escape(h.passage.category or 'Tips')}:** {escape(h.passage.text)} {number(h)}" for h in tips
    )
    if tips:
        sections.insert(0 if asks_tips else len(sections), ("### Tips ur rapporten", [tip_lines]))
    for heading, blocks in sections:
        parts.extend([heading, *blocks])
    excerpts = [h for h in relevant if h.passage.kind == "paragraph" and h not in number][:MAX_EXCERPTS]
    if excerpts:
        parts.append("### Läs mer")
        parts.append("\n".join(f"- {escape(_excerpt(h))} {number(h)}" for h in excerpts))
    parts += [SOURCES_HEADING, "  \n".join(source_line(i, h.passage) for i, h in enumerate(number.cited, start=1))]
    return Answer(
        question,
        True,
        "\n\n".join(parts),
        hits,
        number.cited,
        decision,
        searched,
        [LeadSentence(s, h.passage) for s, h in lead],
        quotes,
        tips,
        excerpts,
    )


def _with_antecedent(sentence: str, text: str) -> str:
    """The sentence, with the one before it when it leans on it ("Detta ses som …", or a list after ":")."""
    spans = sentence_spans(text)
    position = next((i for i, (start, end) in enumerate(spans) if text[start:end] == sentence), 0)
    if position == 0 or not (LEANING.match(sentence) or text[: spans[position - 1][1]].endswith(":")):
        return sentence
    return text[spans[position - 1][0] : spans[position][1]]


def _lead_paragraph(lead: list[tuple[str, Hit]], number: _Numbering) -> str:
    """The lead sentences, those of one passage together under one citation ("…" where text is left out)."""
    groups: list[tuple[Hit, list[str]]] = []
    for sentence, hit in lead:
        if groups and groups[-1][0].passage.id == hit.passage.id:
            groups[-1][1].append(sentence)
        else:
            groups.append((hit, [sentence]))
    return " ".join(_lead_part(hit, _joined(hit.passage.text, sentences), number) for hit, sentences in groups)


def _lead_part(hit: Hit, text: str, number: _Numbering) -> str:
    """Report text as it stands; a speaker's words in quotation marks with the speaker."""
    if hit.passage.kind == "quote":
        return f"”{escape(text)}” ({escape(hit.passage.speaker or 'okänd talare')}) {number(hit)}"
    return f"{escape(text)} {number(hit)}"


def _joined(text: str, sentences: list[str]) -> str:
    """Sentences of one passage in text order, with "…" between those not next to each other."""
    out = sentences[0]
    for previous, sentence in pairwise(sentences):
        gap = text[text.find(previous) + len(previous) : text.find(sentence)]
        out += (" " if not gap.strip() else " … ") + sentence
    return out


def _quotes(relevant: list[Hit], hits: list[Hit], lead: list[tuple[str, Hit]]) -> list[Hit]:
    """The quotes to show: any a lead sentence discusses ("Citatet visar …") first, then the best."""
    by_id = {h.passage.id: h for h in hits}
    discussed = [
        by_id[hit.passage.discusses]
        for sentence, hit in lead
        if COMMENTARY_SENTENCE.search(sentence) and hit.passage.discusses in by_id
    ]
    ranked = [h for h in relevant if h.passage.kind == "quote"]
    return list({h.passage.id: h for h in [*discussed, *ranked]}.values())[:MAX_QUOTES]


def _notices(searched: str | None, decision: Decision) -> list[str]:
    parts = []
    if searched:
        parts.append(f"*Sökte på: {escape(searched)}*")
    if decision.absent_words:
        absent = ", ".join(f"”{escape(w)}”" for w in decision.absent_words)
        parts.append(
            f"*Rapporten använder inte {'ordet' if len(decision.absent_words) == 1 else 'orden'} {absent}; "
            "närmast kommer:*"
        )
    return parts


def _declined(question: str, hits: list[Hit], decision: Decision, searched: str | None) -> Answer:
    """What the report does not cover, then at most two nearby passages."""
    number = _Numbering()
    parts = [f"*Sökte på: {escape(searched)}*"] if searched else []
    parts.append(decline_message(decision))
    nearby = hits[:NEARBY]
    parts.append("### Närliggande i rapporten")
    parts.append("\n".join(f"- {escape(_excerpt(h, 1))} {number(h)}" for h in nearby))
    parts += [SOURCES_HEADING, "  \n".join(source_line(i, h.passage) for i, h in enumerate(number.cited, start=1))]
    return Answer(question, False, "\n\n".join(parts), hits, number.cited, decision, searched, excerpts=nearby)


def decline_message(decision: Decision) -> str:
    """One Swedish sentence saying concretely what the report does not cover."""
    names = " och ".join(", ".join(decision.not_covered).rsplit(", ", 1))
    if decision.reason == "place":
        covered = " och ".join(", ".join(decision.covered).rsplit(", ", 1))
        about = f" – den handlar om {escape(covered)}" if covered else ""
        return f"**Rapporten nämner inte {escape(names)}{about}.**"
    if decision.reason == "year":
        return f"**Rapporten nämner inte {escape(names)}.**"
    if decision.reason == "figure":
        about = f" om {escape(names)}" if names else ""
        return f"**Rapporten anger inga sådana siffror{about}.**"
    if names:
        return f"**Rapporten nämner inte {escape(names)}** och verkar inte svara på frågan."
    return "**Rapporten verkar inte svara på den frågan.** Här är det som ligger närmast – läs det med det i åtanke."
