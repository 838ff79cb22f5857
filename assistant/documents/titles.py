"""A document's title as a person sees it, not a producer's artefact.

Metadata titles are often not the title: "Microsoft Word - valdel_090212.doc",
a file name, a template's placeholder ("Titel på uppsatsen placeras här") or
the first heading a converter found ("Innehållsförteckning").  The candidates
(metadata, the first page's largest text, the first heading) are tried in
order and the first that looks like a title wins; else the file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PRODUCER_ARTEFACT = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - .*|untitled.*|namnlös.*|unnamed.*"
    r"|(?:word )?(?:dokument|document|presentation)\s*\d*|.*\.(?:docx?|pdf|odt|indd|rtf|txt|html?|pptx?|xlsx?))$",
    re.I,
)
"""Titles that producers write themselves: the source file, "Dokument1", "Untitled", and python-docx's
"Word Document" for a file without core properties."""
PLACEHOLDER = re.compile(
    r"placeras här|skriv (?:in )?(?:din |en |dokumentets )?(?:titel|rubrik)|klicka här|click here|"
    r"type (?:the )?(?:document )?title|enter (?:a )?title|^\[?(?:titel|title|rubrik)\]?$|"
    r"^(?:föreskriftens|dokumentets|rapportens|planens|policyns|riktlinjens) (?:namn|titel)$|^dokumentnamn$",
    re.I,
)
"""A template's placeholder text, left in the title property when nobody filled it in (Olofström's climate plan:
"Föreskriftens namn", its template's field for the regulation's name)."""
NOT_A_TITLE = re.compile(
    r"^(?:innehåll(?:sförteckning)?|innehåll och sidor|table of contents|contents|sammanfattning|förord|abstract"
    r"|abbreviations|förkortningar|inledning|introduction|bilaga|bilagor)$",
    re.I,
)
"""Headings every document has: the first heading, but never the title."""
FILE_NAME = re.compile(r"^[\w\-]*[_.][\w.\-]*$")
"""One "word" with underscores or dots ("välfärd_ofärd.1.1"): a file or template name."""
MAX_TITLE_CHARS = 200
SITE_SUFFIX = re.compile(r"\s+\|\s+[^|]+$")
"""The site's name after a web page's title ("Rapport | Norrbottens Kommuner"), kept by a browser's PDF.
Only after a bar: a spaced dash ends too many real titles ("Plan 2020 - 2023", "Rapport – del 2")."""


def without_site_name(title: str) -> str:
    """``title`` with spaces normalised and without a site's name after a bar (:data:`SITE_SUFFIX`)."""
    return SITE_SUFFIX.sub("", " ".join(title.split()))


def is_producer_artefact(title: str) -> bool:
    """Whether a metadata title is what a producer wrote itself (:data:`PRODUCER_ARTEFACT`), not an author."""
    return bool(PRODUCER_ARTEFACT.match(" ".join(title.split())))


def is_title(text: str | None) -> bool:
    """Whether ``text`` can be shown as a document's title."""
    if not text:
        return False
    text = " ".join(text.split())
    return (
        1 < len(text) <= MAX_TITLE_CHARS
        and any(c.isalpha() for c in text)
        and not is_producer_artefact(text)
        and not PLACEHOLDER.search(text)
        and not NOT_A_TITLE.match(text.rstrip(":. "))
        and not FILE_NAME.match(text)
    )


def choose_title(candidates: Iterable[str | None], name: str) -> str:
    """The first candidate that looks like a title, spaces normalised; else ``name`` (the file name)."""
    for candidate in candidates:
        if candidate and is_title(candidate):
            return without_site_name(candidate)
    return name
