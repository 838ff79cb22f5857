"""Compose a short Swedish reply from retrieved passages, in the report's own words only.

The reply leads with the answer: one to three sentences copied verbatim from
the best passages, each cited; then the quotes that answer (with their
speaker), the tips that answer (with their category), and "Läs mer": the
matched sentences of supporting passages.  Every sentence in it is either
fixed framing or copied from a passage; no passage is shown twice, and [n]
numbers the sources in reading order: lead, quotes, tips, "Läs mer" (tips asked
for are shown, and numbered, before the quotes).  A question the report does not
answer gets what the report does not cover, and at most two nearby passages.

The reply is structure (``reply/body.py``); ``reply/render.py`` lays it out as Markdown or plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.documents.passages import Passage
from assistant.documents.sentences import sentence_spans
from assistant.reply.answerability import SPECIFIC_WORD_CHARS, Decision, decline_message, words_named
from assistant.reply.body import Decline, Excerpt, LeadPart, Quote, ReplyBody, Source, Tip
from assistant.reply.choice import RANKER_ORDER, Choosers, Offered, choose, discussed_quotes, gives_way, pools
from assistant.reply.lead import NO_FOCUS, Focus, choose_lead
from assistant.reply.render import to_markdown
from assistant.search.intent import Intent
from assistant.search.learned import LinearModel
from assistant.search.lexical import words
from assistant.search.query import Query
from assistant.search.retrieve import Hit

UNKNOWN_SPEAKER = "okänd talare"
NO_HITS = "Jag hittar inget i dokumenten som passar frågan."


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
    """No further lead sentence once the notices and the lead would pass this length (the answer must come first,
    short: ``assistant eval`` counts an answer cited within the reply's first 400 characters)."""
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
    """A composed reply: what it shows (``reply``, rendered by ``reply.render``) and the hits behind it.

    Source [n] of the reply is ``cited[n - 1]``.
    """

    question: str
    answered: bool
    reply: ReplyBody
    hits: list[Hit]
    cited: list[Hit]
    decision: Decision = NOT_DECIDED
    searched: str | None = None
    lead: list[LeadSentence] = field(default_factory=list)
    intent: Intent = "general"

    def shown(self, parts: Iterable[Quote | Tip | Excerpt]) -> list[Hit]:
        """The hits behind parts of the reply (its quotes, tips or excerpts)."""
        return [self.cited[part.number - 1] for part in parts]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``assistant ask --json``: ``answer`` is the reply as Markdown."""
        reply = self.reply
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
            "answer": to_markdown(reply),
            "reply": {
                "lead": [{"text": s.text, "id": s.passage.id} for s in self.lead],
                "quotes": [_result(h) for h in self.shown(reply.quotes)],
                "tips": [_result(h) for h in self.shown(reply.tips)],
                "excerpts": [_result(h) for h in self.shown((*reply.excerpts, *reply.nearby))],
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


class _Numbering:
    """[n] in order of first appearance."""

    def __init__(self) -> None:
        self.cited: list[Hit] = []
        self._numbers: dict[str, int] = {}

    def __call__(self, hit: Hit) -> int:
        if hit.passage.id not in self._numbers:
            self.cited.append(hit)
            self._numbers[hit.passage.id] = len(self.cited)
        return self._numbers[hit.passage.id]

    def __contains__(self, hit: Hit) -> bool:
        return hit.passage.id in self._numbers

    def sources(self) -> tuple[Source, ...]:
        return tuple(
            Source(n, h.passage.title or h.passage.document, h.passage.section, h.passage.page, h.passage.citation)
            for n, h in enumerate(self.cited, start=1)
        )


def _excerpt(hit: Hit, sentences: int = 2) -> str:
    """The passage's best sentences in text order, with "…" where text is left out (the ends included); a
    sentence that ends in a colon ("…ställa sig frågan:") with the one it introduces."""
    text = hit.passage.text
    order = [text[a:b] for a, b in sentence_spans(text)]
    shown = list(hit.sentences[:sentences])
    for sentence in list(shown):
        at = order.index(sentence) if sentence.endswith(":") and sentence in order else len(order)
        if at + 1 < len(order):
            shown.append(order[at + 1])
    return _in_text_order(text, dict.fromkeys(shown), ends=True)


def _quote(hit: Hit, number: int, long_chars: int) -> Quote:
    text = hit.passage.text if len(hit.passage.text) <= long_chars else _excerpt(hit)
    return Quote(text, hit.passage.speaker or UNKNOWN_SPEAKER, number)


def lead_for(
    query: Query, hits: list[Hit], lead_model: LinearModel, focus: Focus, settings: ReplySettings, reserved: int = 0
) -> list[tuple[str, Hit]]:
    """The lead's sentences, each with its hit, as ``settings`` bound them; ``reserved`` characters of the lead's
    length budget go to the notices above it."""
    return choose_lead(
        query,
        hits,
        lead_model,
        focus,
        depth=settings.lead_from,
        min_chars=settings.lead_min_chars,
        sentences=settings.lead_sentences,
        margin=settings.lead_margin,
        max_chars=settings.lead_max_chars - reserved,
    )


def compose(
    query: Query,
    hits: list[Hit],
    decision: Decision,
    lead_model: LinearModel,
    focus: Focus = NO_FOCUS,
    settings: ReplySettings = ReplySettings(),
    scope: str = "Rapporten",
    offered: Offered | None = None,
    choosers: Choosers = RANKER_ORDER,
) -> Answer:
    """Build the reply for ``query`` from its ranked ``hits`` and the answerability decision.

    ``scope`` names what was searched in a decline ("Rapporten", "Dokumentet ”…”", "Dokumenten").
    ``offered`` are the best quotes and tips of the whole ranking (else those among the hits); the relevant
    ones, and any quote the lead discusses, are ordered by ``choosers`` and the best shown, as many as the hits
    hold relevant ones (the reply stays as short as before).  Tips asked for are shown, relevant or not, and
    first, unless a lead sentence speaks of a quote shown ("Citatet visar …"): that quote then follows the lead.
    """
    question = query.typed
    searched = query.text if query.changed else None
    if not hits:
        return Answer(question, False, ReplyBody(decline=Decline("", NO_HITS)), [], [], decision, searched)
    if not decision.answered:
        declined = _declined(question, hits, decision, searched, settings, scope, _bridged(query))
        return replace(declined, intent=query.intent)
    relevant = [h for h in hits if h.score >= settings.relevant]
    notices = _notices(searched, decision.absent_words, scope, _bridged(query))
    reserved = sum(len(notice) + NOTICE_MARKUP for notice in notices)
    offered = offered or _from_hits(hits)
    lead = gives_way(
        choosers.quote,
        query,
        lead_for(query, hits, lead_model, focus, settings, reserved),
        offered,
        hits,
        focus,
        settings.relevant,
    )
    quote_pool, tip_pool = pools(offered, hits, lead, settings.relevant)
    among_hits = pools(replace(_from_hits(hits), tips_asked=offered.tips_asked), hits, lead, settings.relevant)
    discussed = set(discussed_quotes(lead))
    ordered = choose(choosers.quote, query, quote_pool, hits, lead, focus)
    quotes = _shown_quotes(ordered, discussed, min(settings.max_quotes, len(among_hits[0])))
    tips_first = offered.tips_asked and not any(h.passage.id in discussed for h in quotes)
    most_tips = settings.max_tips_asked if query.asks_tips else settings.max_tips
    tips = choose(choosers.tip, query, tip_pool, hits, lead, focus)[
        : most_tips if offered.tips_asked else min(most_tips, len(among_hits[1]))
    ]
    number = _Numbering()  # numbered in reading order: the lead, the quotes and tips as shown, the excerpts
    lead_parts = _lead_parts(lead, number)
    if tips_first:
        shown_tips = tuple(_tip(h, number(h)) for h in tips)
        shown_quotes = tuple(_quote(h, number(h), settings.long_quote_chars) for h in quotes)
    else:
        shown_quotes = tuple(_quote(h, number(h), settings.long_quote_chars) for h in quotes)
        shown_tips = tuple(_tip(h, number(h)) for h in tips)
    excerpts = [h for h in relevant if h.passage.kind == "paragraph" and h not in number][: settings.max_excerpts]
    body = ReplyBody(
        notices=notices,
        lead=lead_parts,
        quotes=shown_quotes,
        tips=shown_tips,
        tips_first=tips_first,
        excerpts=tuple(Excerpt(_excerpt(h), number(h)) for h in excerpts),
        sources=number.sources(),
    )
    sentences = [LeadSentence(s, h.passage) for s, h in lead]
    return Answer(question, True, body, hits, number.cited, decision, searched, sentences, query.intent)


def _shown_quotes(ordered: list[Hit], discussed: set[str], most: int) -> list[Hit]:
    """The ``most`` first of the ``ordered`` quotes, and any the lead discusses (first): a lead "Citatet visar …"
    about a quote not shown points at nothing (7 of 747 development questions' replies did, 2026-12-07)."""
    shown = ordered[:most]
    missing = [h for h in ordered[most:] if h.passage.id in discussed]
    return (missing + shown)[: max(most, len(missing))]


def _tip(hit: Hit, number: int) -> Tip:
    return Tip(hit.passage.text, hit.passage.category or "Tips", number)


def _lead_parts(lead: list[tuple[str, Hit]], number: _Numbering) -> tuple[LeadPart, ...]:
    """The lead sentences, those of one passage together under one citation ("…" where text is left out; a quote
    also at its ends, as a speaker's words in quotation marks must show where they were cut)."""
    groups: list[tuple[Hit, list[str]]] = []
    for sentence, hit in lead:
        if groups and groups[-1][0].passage.id == hit.passage.id:
            groups[-1][1].append(sentence)
        else:
            groups.append((hit, [sentence]))
    return tuple(
        _lead_part(hit, _in_text_order(hit.passage.text, sentences, ends=hit.passage.kind == "quote"), number(hit))
        for hit, sentences in groups
    )


def _lead_part(hit: Hit, text: str, number: int) -> LeadPart:
    """A speaker's words with the speaker; a tip with its category; other report text as it stands."""
    passage = hit.passage
    if passage.kind == "quote":
        return LeadPart(text, number, "quote", passage.speaker or UNKNOWN_SPEAKER)
    if passage.kind == "tip":
        return LeadPart(text, number, "tip", passage.category or "Tips")
    return LeadPart(text, number, passage.kind)


def _in_text_order(text: str, sentences: Iterable[str], ends: bool) -> str:
    """Sentences of one passage in text order, with "…" where text between them is left out; with ``ends``
    also before the first and after the last where the passage goes on. The whole text when none stands in it.
    """
    found = sorted((text.find(s), s) for s in sentences if s in text)
    if not found:
        return text
    parts, end = [], 0 if ends else found[0][0]
    for start, sentence in found:
        parts.append(("… " if text[end:start].strip() else "") + sentence)
        end = start + len(sentence)
    return " ".join(parts) + (" …" if ends and text[end:].strip() else "")


def _from_hits(hits: list[Hit]) -> Offered:
    return Offered([h for h in hits if h.passage.kind == "quote"], [h for h in hits if h.passage.kind == "tip"])


def _bridged(query: Query) -> tuple[str, ...]:
    """What the reply says it also searched for: the words this question's own specific words were bridged to
    (those the "använder inte ordet" notice would otherwise name; "igång" → "verksam" would only puzzle).  A
    follow-up's search carries its topic's bridges too; naming them again under every turn is noise."""
    own = {word.casefold() for word in words(query.text)}
    return tuple(
        dict.fromkeys(
            t for b in query.bridges if len(b.word) >= SPECIFIC_WORD_CHARS and b.word.casefold() in own for t in b.to
        )
    )


NOTICE_MARKUP = 4
"""Characters a notice takes besides its text in Markdown (emphasis, the blank line after it)."""
SHOWN_BRIDGES = 4
"""Words searched for besides the question's own that a reply names at most ("Sökte också på: …")."""


def _notices(
    searched: str | None, absent_words: tuple[str, ...], scope: str, bridged: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """What was searched, when the question was mended or its words bridged to the documents' words; the
    question's words the documents never use."""
    notices = [f"Sökte på: {searched}"] if searched else []
    if bridged:
        notices.append(f"Sökte också på: {', '.join(bridged[:SHOWN_BRIDGES])}")
    if absent_words:
        notices.append(f"{scope} använder inte {words_named(absent_words)}; närmast kommer:")
    return tuple(notices)


def _declined(
    question: str,
    hits: list[Hit],
    decision: Decision,
    searched: str | None,
    settings: ReplySettings,
    scope: str,
    bridged: tuple[str, ...],
) -> Answer:
    """What the documents do not cover, then the nearby passages (paragraphs and tips before quotes)."""
    number = _Numbering()
    nearby = sorted(hits, key=lambda h: h.passage.kind == "quote")[: settings.nearby]
    body = ReplyBody(
        notices=_notices(searched, (), scope, bridged),
        decline=decline_message(decision, scope),
        nearby=tuple(Excerpt(_excerpt(h, 1), number(h)) for h in nearby),
        sources=number.sources(),
    )
    return Answer(question, False, body, hits, number.cited, decision, searched)
