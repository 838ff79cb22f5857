"""Lay out a reply's structure as text: Markdown (``--json``, the API, the chat) or plain text (the terminal).

Both read the same ``ReplyBody`` in the same order; a ``Style`` says how each part is marked up.
A citation is written by ``Style.cite``, so an interface can make it a link as it is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.reply.body import Decline, LeadPart, ReplyBody

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def escape(text: str) -> str:
    """Report text shown literally in Markdown (no accidental emphasis, links or HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def plain_citation(number: int) -> str:
    return f"[{number}]"


def _underlined(title: str) -> str:
    return f"{title}\n{'-' * len(title)}"


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Style:
    """How a reply's parts are marked up."""

    text: Callable[[str], str]
    """Report text and framing as shown (escaped for Markdown)."""
    strong: Callable[[str], str]
    emphasis: Callable[[str], str]
    heading: Callable[[str], str]
    line_break: str
    """Between a quote and its speaker, and between sources."""
    cite: Callable[[int], str] = plain_citation


MARKDOWN = Style(escape, lambda s: f"**{s}**", lambda s: f"*{s}*", lambda s: f"### {s}", "  \n")
PLAIN = Style(_same, _same, _same, _underlined, "\n")


def render(body: ReplyBody, style: Style, sources: bool = True) -> str:
    """The reply in ``style``: its blocks separated by blank lines; ``sources=False`` leaves out the source list."""
    text, cite = style.text, style.cite
    parts = [style.emphasis(text(notice)) for notice in body.notices]
    if body.decline:
        parts.append(_decline(body.decline, style))
    if body.lead:
        parts.append(_lead(body.lead, style))
    quotes = [f"> ”{text(q.text)}”{style.line_break}> — {text(q.speaker)} {cite(q.number)}" for q in body.quotes]
    tips = "\n".join(f"- {style.strong(text(t.category) + ':')} {text(t.text)} {cite(t.number)}" for t in body.tips)
    sections = [("Citat", quotes)] if quotes else []
    if tips:
        sections.insert(0 if body.tips_first else len(sections), ("Tips ur rapporten", [tips]))
    sections += [
        (heading, ["\n".join(f"- {text(e.text)} {cite(e.number)}" for e in excerpts)])
        for heading, excerpts in (("Läs mer", body.excerpts), ("Närliggande", body.nearby))
        if excerpts
    ]
    if sources and body.sources:
        listed = style.line_break.join(f"{cite(s.number)} {text(s.citation)}" for s in body.sources)
        sections.append(("Källor", [listed]))
    for heading, blocks in sections:
        parts.extend([style.heading(heading), *blocks])
    return "\n\n".join(parts)


def _decline(decline: Decline, style: Style) -> str:
    strong = style.strong(style.text(decline.strong)) if decline.strong else ""
    return " ".join(part for part in (strong, style.text(decline.rest)) if part)


def _lead(lead: tuple[LeadPart, ...], style: Style) -> str:
    """The lead as one paragraph; a lead of several tips as a list, like the tips below it (run together, the
    new-user trial read "Engagemang: Utgå från … [1] Engagemang: Involvera … [2]" as one garbled sentence)."""
    if len(lead) > 1 and all(part.kind == "tip" for part in lead):
        return "\n".join(f"- {_lead_part(part, style)}" for part in lead)
    return " ".join(_lead_part(part, style) for part in lead)


def _lead_part(part: LeadPart, style: Style) -> str:
    """Report text as it stands; a speaker's words in quotation marks with the speaker; a tip with its category."""
    text, number = style.text(part.text), style.cite(part.number)
    if part.kind == "quote":
        return f"”{text}” ({style.text(part.label)}) {number}"
    if part.kind == "tip":
        return f"{style.strong(style.text(part.label) + ':')} {text} {number}"
    return f"{text} {number}"


def to_markdown(body: ReplyBody, cite: Callable[[int], str] = plain_citation, sources: bool = True) -> str:
    """The reply as Markdown, report text escaped; ``cite`` writes [n] (the chat makes it a link)."""
    return render(body, replace(MARKDOWN, cite=cite), sources)


def to_plain(body: ReplyBody) -> str:
    """The reply as plain text for a terminal: headings underlined, no markup, no trailing spaces."""
    return "\n".join(line.rstrip() for line in render(body, PLAIN).splitlines())
