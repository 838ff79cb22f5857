"""What a reply says, as structure: the parts a renderer lays out (Markdown, the terminal, the chat).

Text here is plain report text or fixed Swedish framing, never marked up; every passage shown
carries the number of its source ([n], in ``ReplyBody.sources``).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.documents.passages import Kind


@dataclass(frozen=True)
class LeadPart:
    """Sentences of one passage in the lead ("…" where text is left out), under one citation."""

    text: str
    number: int
    kind: Kind
    label: str = ""
    """A quote's speaker ("Politiker, Kalix" or "okänd talare"), a tip's category; empty for a paragraph."""


@dataclass(frozen=True)
class Quote:
    """A speaker's words (shortened to their best sentences when long)."""

    text: str
    speaker: str
    """ "Politiker, Kalix", or "okänd talare"."""
    number: int


@dataclass(frozen=True)
class Tip:
    """A tip of the report with its category ("Engagemang", "Kunskap", "Integrering" or "Tips")."""

    text: str
    category: str
    number: int


@dataclass(frozen=True)
class Excerpt:
    """A passage's best sentences, "…" where text is left out ("Läs mer", or nearby when declined)."""

    text: str
    number: int


@dataclass(frozen=True)
class Source:
    """A numbered source: the passage's document title, section and page (and speaker or category)."""

    number: int
    title: str
    section: str
    page: int | None
    citation: str
    """The whole citation as shown: "Titel, avsnitt, s. N" and speaker or category."""


@dataclass(frozen=True)
class Decline:
    """Why the reply does not answer: a sentence shown strongly, and what follows it (either may be empty)."""

    strong: str
    rest: str = ""


@dataclass(frozen=True)
class ReplyBody:
    """A reply in the order it is shown: notices, then a decline or the answer's parts, then the sources.

    ``tips_first`` puts the tips before the quotes (when advice is asked for).
    """

    notices: tuple[str, ...] = ()
    decline: Decline | None = None
    lead: tuple[LeadPart, ...] = ()
    quotes: tuple[Quote, ...] = ()
    tips: tuple[Tip, ...] = ()
    tips_first: bool = False
    excerpts: tuple[Excerpt, ...] = ()
    nearby: tuple[Excerpt, ...] = ()
    sources: tuple[Source, ...] = ()
