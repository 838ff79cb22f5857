"""The chat's document panel: upload, list and remove corpus documents; a PDF source's page, rendered.

Called from :func:`assistant.interfaces.chat.build_app` inside its layout.  Every
action here is a private event behind the chat's login (``--auth``).  An upload
is read in full (:meth:`~assistant.engine.Engine.add_documents`, shared with ``corpus add``) before it
enters the corpus, then the index is rebuilt — only the new passages are
embedded (the vector cache) — while the running index keeps serving.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import gradio as gr
from gradio.events import Dependency

from assistant.documents.corpus import DocumentSummary, ParsedDocuments, document_files, load_corpus
from assistant.documents.formats import FORMAT_LABELS
from assistant.documents.library import MAX_DOCUMENT_BYTES
from assistant.documents.pages import render_passage_page
from assistant.documents.passages import Passage
from assistant.engine import Engine
from assistant.errors import user_message
from assistant.interfaces.presentation import build_summary, passages_text, pending_text
from assistant.search.corpus_changes import CorpusChange

UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".txt", ".md"]
ALL_DOCUMENTS = "Alla dokument"


def documents_table(summaries: list[DocumentSummary]) -> str:
    """The corpus as an HTML table: title (file, quotes, tips beneath), format, pages, passages."""
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


def document_choices(titles: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) pairs for the document filter from document key → title: the title shown, the key sent."""
    return [(ALL_DOCUMENTS, ALL_DOCUMENTS)] + [(title, document) for document, title in titles.items()]


def _corpus_state(summaries: list[DocumentSummary]) -> tuple[str, dict, dict]:
    """Table, removal choices and document filter choices for the corpus as it is now."""
    return (
        documents_table(summaries),
        gr.update(choices=[s.name for s in summaries], value=None),
        gr.update(choices=document_choices({s.document: s.title for s in summaries}), value=ALL_DOCUMENTS),
    )


@dataclass(frozen=True)
class DocumentsPanel:
    """The panel's components that show the corpus: the chat refills them when a page opens or the index changes."""

    listing: gr.HTML
    removal: gr.Dropdown
    changes: tuple[Dependency, ...]
    """The upload's and the removal's events, for what the page does once they are done."""


def corpus_listing(engine: Engine) -> tuple[str, dict]:
    """The table and the removal choices for the corpus on disk now (the chosen document kept if still there)."""
    summaries = _summaries(engine)
    return documents_table(summaries), gr.update(choices=[s.name for s in summaries])


def documents_panel(engine: Engine, document_filter: gr.Dropdown) -> DocumentsPanel:
    """The panel's components and events; ``document_filter`` is the chat's document dropdown, kept in step."""
    summaries = _summaries(engine)
    with gr.Accordion("Dokument", open=False, elem_id="documents"):
        listing = gr.HTML(documents_table(summaries), elem_id="documents-table")
        upload = gr.File(
            label=f"Lägg till dokument (PDF, Word, webbsida, text; högst {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB)",
            file_count="multiple",
            file_types=UPLOAD_TYPES,
            elem_id="upload",
        )
        add_button = gr.Button("Lägg till och indexera", size="sm", variant="primary", elem_id="add-documents")
        status = gr.Markdown(elem_id="documents-status")  # just below the button, not below the removal
        with gr.Row():
            chosen = gr.Dropdown(
                [s.name for s in summaries], value=None, label="Dokument", scale=3, elem_id="remove-choice"
            )
            remove_button = gr.Button("Ta bort", size="sm", variant="stop", scale=1, elem_id="remove-document")

    def add(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 (Gradio's idiom)
        if not files:
            return "Obs! Välj en eller flera filer först.", *_corpus_state(_summaries(engine)), None
        try:
            change = engine.add_documents([Path(file) for file in files], lambda done, what: progress(done, desc=what))
        except Exception as error:  # a rebuild already running, or an internal error
            return (
                f"Obs! {html.escape(user_message(error, 'adding documents'))}",
                *_corpus_state(_summaries(engine)),
                None,
            )
        return _change_message(change), *_corpus_state(_summaries(engine)), None

    def remove(name: str | None) -> tuple:
        if not name:
            return "Obs! Välj ett dokument att ta bort.", *_corpus_state(_summaries(engine))
        try:
            change = engine.remove_document(name)
        except Exception as error:
            return f"Obs! {html.escape(user_message(error, f'removing {name}'))}", *_corpus_state(_summaries(engine))
        return _change_message(change), *_corpus_state(_summaries(engine))

    outputs = [status, listing, chosen, document_filter]
    added = add_button.click(
        add, upload, [*outputs, upload], api_visibility="private", concurrency_limit=1, concurrency_id="rebuild"
    )
    removed = remove_button.click(
        remove, chosen, outputs, api_visibility="private", concurrency_limit=1, concurrency_id="rebuild"
    )
    return DocumentsPanel(listing=listing, removal=chosen, changes=(added, removed))


def _summaries(engine: Engine) -> list[DocumentSummary]:
    """The corpus documents as they are on disk: read again only when a file (or the README's titles) changed."""
    directory = engine.corpus_dir
    files = [*document_files(directory), directory / "README.md"]
    stamps = tuple((path.name, stat.st_size, stat.st_mtime_ns) for path in files if (stat := _stat(path)) is not None)
    return _read_summaries(directory, stamps, engine.parsed)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:  # removed since it was listed
        return None


@lru_cache(maxsize=8)
def _read_summaries(
    directory: Path, stamps: tuple[tuple[str, int, int], ...], known: ParsedDocuments
) -> list[DocumentSummary]:
    """``stamps`` (name, size, modification time of each file) is the cache key: a page load reads no document,
    and after an upload only documents the engine has not read (``known``) are read."""
    return load_corpus(directory, known).summaries


def _change_message(change: CorpusChange) -> str:
    """What an upload or a removal did, as the panel's status (Markdown, user text escaped)."""
    lines = [f"Obs! {html.escape(failure)}" for failure in change.failures]
    for summary in change.added:
        lines.append(f"Klart: {html.escape(summary.title)}: {passages_text(summary.passages)}.")
        lines.extend(f"Obs! {html.escape(summary.name)}: {html.escape(note)}." for note in summary.notes)
    lines.extend(f"Tog bort {html.escape(path.name)}." for path in change.removed)
    if change.empty:
        lines.append("Korpusen är tom; det gamla indexet svarar tills ett dokument har lagts till.")
    if change.build:
        lines.append(build_summary(change.build))
    if change.build and change.build.pending:
        lines.append(f"Sökbart nu. {pending_text(change.build.pending)}")
    if change.build_error:
        lines.append(
            f"Obs! Omindexeringen misslyckades: {html.escape(change.build_error)} Det gamla indexet svarar fortfarande."
        )
    return "\n\n".join(lines)


def page_viewer(engine: Engine, cited: gr.State) -> None:
    """A picker of the last reply's PDF sources and the chosen one's page, rendered, the passage highlighted."""
    with gr.Accordion("Sidan i dokumentet", open=False, elem_id="page-view"):
        source = gr.Dropdown([], value=None, label="Källa (PDF)", elem_id="page-source")
        image = gr.Image(label="Sidan", type="pil", interactive=False, elem_id="page-image", buttons=["download"])
        note = gr.Markdown()

    def choices(passages: list[dict] | None) -> dict:
        options = [
            (f"[{number}] {p['citation']}", str(number - 1))
            for number, p in enumerate(passages or [], start=1)
            if _pdf_file(engine, p["document"]) is not None and p.get("page") is not None
        ]
        return gr.update(choices=options, value=None)

    def show(position: str | None, passages: list[dict] | None) -> tuple:
        if position is None or not passages:
            return None, ""
        passage = Passage.from_dict(passages[int(position)])
        path = _pdf_file(engine, passage.document)
        if path is None:
            return None, "Obs! Dokumentet finns inte längre i korpusen."
        try:
            view = render_passage_page(path.read_bytes(), passage.text, passage.page)
        except Exception as error:
            return None, f"Obs! {html.escape(user_message(error, f'rendering page {passage.page} of {path.name}'))}"
        return (
            view.image,
            f"{html.escape(passage.title or passage.document)}, s. {view.label} (sida {view.index + 1} i filen)",
        )

    cited.change(choices, cited, source, api_visibility="private")
    source.change(show, [source, cited], [image, note], api_visibility="private")


def _pdf_file(engine: Engine, document: str) -> Path | None:
    """The corpus PDF a passage's document key names, if that document is a PDF."""
    for path in document_files(engine.corpus_dir):
        if path.stem == document:
            with path.open("rb") as handle:
                return path if handle.read(5) == b"%PDF-" else None
    return None
