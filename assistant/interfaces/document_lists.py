"""What the page lists about the loaded documents: the documents table, the removal and trash choices, the
document, municipality and role filters, and the title line.

Everything comes from the loaded index (its manifest and passage columns) or the trash folder's listing,
never from parsing a document: after a change every open page refills these from the engine at no cost,
and the documents panel agrees with the chat's filters even when a rebuild failed (both show the index
that answers).
"""

from __future__ import annotations

import html

from assistant.documents.corpus import DocumentSummary
from assistant.documents.formats import FORMAT_LABELS
from assistant.documents.library import trash_entries
from assistant.engine import BUNDLED_REPORT, Engine
from assistant.interfaces.presentation import LOCAL_TIME, documents_described, passages_text

ALL = "Alla"
ALL_DOCUMENTS = "Alla dokument"


def documents_table(summaries: list[DocumentSummary]) -> str:
    """The documents as an HTML table: title (file, quotes, tips beneath), format, pages, passages."""
    cell = 'style="padding:4px 6px;white-space:nowrap"'
    rows = [
        f'<tr><td style="padding:4px 6px"><strong>{html.escape(s.title)}</strong><br><small>'
        f"{html.escape(s.name)} · {s.kinds.get('quote', 0)} citat · {s.kinds.get('tip', 0)} tips</small></td>"
        f"<td {cell}>{FORMAT_LABELS[s.format]}</td><td {cell}>{s.pages or '–'}</td><td {cell}>{s.passages}</td></tr>"
        for s in summaries
    ]
    head = "".join(f"<th {cell}>{name}</th>" for name in ("Dokument", "Format", "Sidor", "Stycken"))
    return (
        f'<table style="width:100%;font-size:0.9em;border-collapse:collapse"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def document_choices(summaries: list[DocumentSummary]) -> list[tuple[str, str]]:
    """(label, value) pairs for the document filter: the title shown, the document key sent."""
    return [(ALL_DOCUMENTS, ALL_DOCUMENTS)] + [(s.title, s.document) for s in summaries]


def removal_choices(summaries: list[DocumentSummary]) -> list[tuple[str, str]]:
    """(label, value) pairs for the removal list: "Title (file, 65 stycken)" shown, the file name sent."""
    return [(f"{s.title} ({s.name}, {passages_text(s.passages)})", s.name) for s in summaries]


def trash_choices(engine: Engine) -> list[tuple[str, str]]:
    """(label, value) pairs for the trash list, most recently removed first: "name (borttagen 7/12 04:30)"."""
    entries = trash_entries(engine.corpus_dir)
    latest = {e.name: e for e in reversed(entries)}  # one choice per name: restoring brings the latest back
    return [
        (f"{e.name} (borttagen {e.removed_at.astimezone(LOCAL_TIME):%-d/%-m %H:%M})", e.name)
        for e in sorted(latest.values(), key=lambda e: e.removed_at, reverse=True)
    ]


def municipality_choices(engine: Engine) -> list[str]:
    return [ALL, *sorted(filter(None, engine.retriever.index.passages.values("municipality")))]


def role_choices(engine: Engine) -> list[str]:
    return [ALL, *sorted(filter(None, engine.retriever.index.passages.values("role")))]


def title_line(engine: Engine) -> str:
    """The page's heading and what it answers from, naming the loaded documents."""
    described = documents_described(engine.documents())
    whose = {"Rapporten": "rapportens", "Dokumentet": "dokumentets"}.get(described.split()[0], "dokumentens")
    return (
        "# Rapportassistenten\n"
        f"Fråga om {_lower_first(described)}. Svaren är {whose} egna ord: citat med vem som sa dem, tips och "
        "stycken – alltid med källa (avsnitt, sida)."
    )


def chat_placeholder(engine: Engine) -> str:
    """What the empty conversation invites, naming what the chat answers from as the title does; the example
    question only while the report it is about is loaded."""
    documents = engine.documents()
    described = documents_described(documents).split()[0].lower()  # rapporten, dokumentet, dokumenten
    example = " t.ex. ”Vad gjorde Kalix?”" if BUNDLED_REPORT in {d.document for d in documents} else ""
    return f"Ställ en fråga om {described}{',' if example else ''}{example}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
