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
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from assistant.documents.passages import Passage
from assistant.reply.answerability import Decision
from assistant.reply.lead import NO_FOCUS, Focus, choose_lead
from assistant.search.intent import Intent
from assistant.search.learned import LinearModel
from assistant.search.query import Query
from assistant.search.retrieve import Hit

COMMENTARY_SENTENCE = re.compile(r"\bcitat(et|en)?\b", re.IGNORECASE)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
SOURCES_HEADING = "### Källor"


@dataclass(frozen=True)
class ReplySettings:
    """How much a reply shows; measured with ``assistant eval`` (docs/evaluation.md, "What we tried")."""

    relevant: float = 0.0002
    """Quotes, tips and excerpts whose probability relative to the best hit is below this stay out.

    The learned ranking is sharp; on the development set 0.05 left replies at a median of 333 characters
    and the right first quote at 0.61, 0.0002 gives about 800 characters and 0.78, 0 passes 1,200."""
    lead_from: int = 6
    """Lead sentences come from this many best passages."""
    lead_min_chars: int = 30
    lead_sentences: int = 3
    lead_margin: float = 1.0
    """A second or third lead sentence must score within this (lead model log-odds) of the best."""
    lead_max_chars: int = 400
    """No further lead sentence once the lead would pass this length (the answer must come first, short)."""
    max_quotes: int = 2
    max_tips: int = 3
    max_tips_asked: int = 4
    max_excerpts: int = 2
    nearby: int = 2
    """Passages shown under "Närliggande" when the question is declined."""
    long_quote_chars: int = 320
    """A longer quote is shown as its best sentences with "…"; the sources panel has it whole."""


NOT_DECIDED = Decision(False, "weak_match")


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
    intent: Intent = "general"

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
                "probability": None if self.decision.probability is None else round(self.decision.probability, 3),
            },
            "intent": self.intent,
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


def _quote_text(hit: Hit, long_chars: int) -> str:
    return hit.passage.text if len(hit.passage.text) <= long_chars else _excerpt(hit)


def _quote_block(hit: Hit, number: str, long_chars: int) -> str:
    text = escape(_quote_text(hit, long_chars))
    return f"> ”{text}”  \n> — {escape(hit.passage.speaker or 'okänd talare')} {number}"


def compose(
    query: Query,
    hits: list[Hit],
    decision: Decision,
    lead_model: LinearModel,
    focus: Focus = NO_FOCUS,
    settings: ReplySettings = ReplySettings(),
    scope: str = "Rapporten",
    best_tips: list[Hit] | None = None,
) -> Answer:
    """Build the Markdown reply for ``query`` from its ranked ``hits`` and the answerability decision.

    ``scope`` names what was searched in a decline ("Rapporten", "Dokumentet ”…”", "Dokumenten").
    ``best_tips`` are the best-ranked tips of all candidates, shown first when advice is asked for;
    otherwise the reply shows the tips among the relevant hits.
    """
    question = query.typed
    searched = query.text if query.changed else None
    if not hits:
        return Answer(question, False, "Jag hittar inget i dokumenten som passar frågan.", [], [], decision, searched)
    if not decision.answered:
        return replace(_declined(question, hits, decision, searched, settings, scope), intent=query.intent)
    relevant = [h for h in hits if h.score >= settings.relevant]
    lead = choose_lead(
        query,
        hits,
        lead_model,
        focus,
        depth=settings.lead_from,
        min_chars=settings.lead_min_chars,
        sentences=settings.lead_sentences,
        margin=settings.lead_margin,
        max_chars=settings.lead_max_chars,
    )
    lead_ids = {hit.passage.id for _, hit in lead}
    most_tips = settings.max_tips_asked if query.asks_tips else settings.max_tips
    offered = best_tips if best_tips is not None else [h for h in relevant if h.passage.kind == "tip"]
    tips = [h for h in offered if h.passage.id not in lead_ids][:most_tips]
    quotes = [h for h in _quotes(relevant, hits, lead, settings.max_quotes) if h.passage.id not in lead_ids]
    number = _Numbering()
    parts = _notices(searched, decision, scope)
    if lead:
        parts.append(_lead_paragraph(lead, number))
    quote_blocks = [_quote_block(h, number(h), settings.long_quote_chars) for h in quotes]
    sections = [("### Citat", quote_blocks)] if quotes else []
    tip_lines = "\n".join(
        f"- **{escape(h.passage.category or 'Tips')}:** {escape(h.passage.text)} {number(h)}" for h in tips
    )
    if tips:
        sections.insert(0 if best_tips is not None else len(sections), ("### Tips ur rapporten", [tip_lines]))
    for heading, blocks in sections:
        parts.extend([heading, *blocks])
    excerpts = [h for h in relevant if h.passage.kind == "paragraph" and h not in number][: settings.max_excerpts]
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
        query.intent,
    )


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


def _quotes(relevant: list[Hit], hits: list[Hit], lead: list[tuple[str, Hit]], most: int) -> list[Hit]:
    """The quotes to show: any a lead sentence discusses ("Citatet visar …") first, then the best."""
    by_id = {h.passage.id: h for h in hits}
    discussed = [
        by_id[hit.passage.discusses]
        for sentence, hit in lead
        if COMMENTARY_SENTENCE.search(sentence) and hit.passage.discusses in by_id
    ]
    ranked = [h for h in relevant if h.passage.kind == "quote"]
    return list({h.passage.id: h for h in [*discussed, *ranked]}.values())[:most]


def _notices(searched: str | None, decision: Decision, scope: str) -> list[str]:
    parts = []
    if searched:
        parts.append(f"*Sökte på: {escape(searched)}*")
    if decision.absent_words:
        absent = ", ".join(f"”{escape(w)}”" for w in decision.absent_words)
        word = "ordet" if len(decision.absent_words) == 1 else "orden"
        parts.append(f"*{scope} använder inte {word} {absent}; närmast kommer:*")
    return parts


def _declined(
    question: str, hits: list[Hit], decision: Decision, searched: str | None, settings: ReplySettings, scope: str
) -> Answer:
    """What the documents do not cover, then the nearby passages (paragraphs and tips before quotes)."""
    number = _Numbering()
    parts = [f"*Sökte på: {escape(searched)}*"] if searched else []
    parts.append(decline_message(decision, scope))
    nearby = sorted(hits, key=lambda h: h.passage.kind == "quote")[: settings.nearby]
    parts.append("### Närliggande")
    parts.append("\n".join(f"- {escape(_excerpt(h, 1))} {number(h)}" for h in nearby))
    parts += [SOURCES_HEADING, "  \n".join(source_line(i, h.passage) for i, h in enumerate(number.cited, start=1))]
    return Answer(question, False, "\n\n".join(parts), hits, number.cited, decision, searched, excerpts=nearby)


def _names(values: tuple[str, ...]) -> str:
    return " och ".join(", ".join(values).rsplit(", ", 1))


def decline_message(decision: Decision, scope: str = "Rapporten") -> str:
    """One Swedish sentence saying concretely what the documents searched (``scope``) do not cover."""
    names = _names(decision.not_covered)
    if decision.reason == "place":
        covered = _names(decision.covered)
        pronoun = {"Rapporten": "den", "Dokumenten": "de"}.get(scope, "det")
        about = f" – {pronoun} handlar om {escape(covered)}" if covered else ""
        return f"**{scope} nämner inte {escape(names)}{about}.**"
    if decision.reason == "year":
        return f"**{scope} nämner inte {escape(names)}.**"
    if decision.reason == "figure":
        about = f" om {escape(names)}" if names else ""
        return f"**{scope} anger inga sådana siffror{about}.**"
    if names:
        return f"**{scope} nämner inte {escape(names)}** och verkar inte svara på frågan."
    return f"**{scope} verkar inte svara på den frågan.** Här är det som ligger närmast – läs det med det i åtanke."
