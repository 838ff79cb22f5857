"""The chat's documents panel: the documents table for everyone; uploading, removing and restoring for editors.

Called from :func:`assistant.interfaces.page.lay_out`.  The editors' controls start hidden and are shown by
the page's load event to an editor only (:mod:`assistant.interfaces.accounts`); every handler here checks the
sender's role again, and the server refuses these events to readers before they run
(:mod:`assistant.interfaces.server`), whatever a client sends.  An upload is read in full
(:meth:`~assistant.engine.Engine.add_documents`, shared with ``corpus add``) before it enters the corpus, then
the index is rebuilt while the running index keeps serving.  A removal asks first, naming the document and
its passages, moves the file to the trash, and offers "Ångra".
"""

from __future__ import annotations

import html
import logging
import queue
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import Dependency

from assistant.documents.library import MAX_DOCUMENT_BYTES
from assistant.engine import Engine
from assistant.errors import user_message
from assistant.interfaces.accounts import Access
from assistant.interfaces.document_lists import (
    ALL_DOCUMENTS,
    document_choices,
    documents_table,
    removal_choices,
    trash_choices,
)
from assistant.interfaces.event_options import QUIET
from assistant.interfaces.presentation import build_summary, passages_text, searchable_text, working
from assistant.search.corpus_changes import CorpusChange, Progress

log = logging.getLogger(__name__)

UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".txt", ".md"]
EDITORS_ONLY = "Obs! Bara redaktörer får ändra dokumenten."
"""What a reader's client reads if it sends an editor's event anyway (the server normally refuses it first)."""
EDIT: dict[str, Any] = {**QUIET, "concurrency_limit": 1, "concurrency_id": "rebuild"}
"""A change to the documents: not an API endpoint, one at a time (with the rebuild button).  Its progress is the
panel's status line (:func:`~assistant.interfaces.presentation.working`), not Gradio's overlay."""
STEP_SECONDS = 0.25
"""How often a running change looks for a new step to show."""


@dataclass(frozen=True)
class DocumentsPanel:
    """The panel's components that the chat refills or shows: the lists when the index changes, the editors'
    controls when an editor opens the page."""

    listing: gr.HTML
    status: gr.Markdown
    """What the last upload, removal or restore did (its "Sökbart nu …" settles once the sentences are in)."""
    removal: gr.Dropdown
    trash: gr.Dropdown
    editing: gr.Column
    changes: tuple[Dependency, ...]
    """The events that change the documents, for what the page does once they are done."""
    handlers: tuple[Callable[..., Any], ...]
    """The functions behind those events: the server refuses them to readers (``server.editor_events``)."""


def documents_panel(engine: Engine, access: Access, document_filter: gr.Dropdown) -> DocumentsPanel:
    """The panel's components and events; ``document_filter`` is the chat's document dropdown, kept in step."""
    documents = engine.documents()
    with gr.Accordion("Dokument", open=False, elem_id="documents"):
        listing = gr.HTML(documents_table(documents), elem_id="documents-table")
        with gr.Column(visible=False, elem_id="documents-editing") as editing:
            upload = gr.File(
                label=f"Lägg till dokument (PDF, Word, webbsida, text; högst {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB)",
                file_count="multiple",
                file_types=UPLOAD_TYPES,
                elem_id="upload",
            )
            add_button = gr.Button("Lägg till och indexera", size="sm", variant="primary", elem_id="add-documents")
            status = gr.Markdown(elem_id="documents-status")  # just below the button, not below the removal
            undo_button = gr.Button("Ångra", size="sm", visible=False, elem_id="undo-removal")
            with gr.Row():
                chosen = gr.Dropdown(
                    removal_choices(documents), value=None, label="Dokument", scale=3, elem_id="remove-choice"
                )
                remove_button = gr.Button("Ta bort …", size="sm", variant="stop", scale=1, elem_id="remove-document")
            with gr.Column(visible=False, elem_id="confirm-removal") as confirm_row:  # the question above its buttons
                question = gr.Markdown(elem_id="confirm-text")
                with gr.Row():
                    confirm_button = gr.Button("Ja, ta bort", size="sm", variant="stop", elem_id="confirm-remove")
                    cancel_button = gr.Button("Avbryt", size="sm", elem_id="cancel-remove")
            with gr.Row():
                trashed = gr.Dropdown(
                    trash_choices(engine), value=None, label="Papperskorgen", scale=3, elem_id="trash-choice"
                )
                restore_button = gr.Button("Återställ", size="sm", scale=1, elem_id="restore-document")
    last_removed = gr.State(None)

    def lists() -> tuple:
        summaries = engine.documents()
        return (
            documents_table(summaries),
            gr.update(choices=removal_choices(summaries), value=None),
            gr.update(choices=trash_choices(engine), value=None),
            gr.update(choices=document_choices(summaries), value=ALL_DOCUMENTS),
        )

    def add(files: list[str] | None, request: gr.Request) -> Iterator[tuple]:
        if not access.may_edit(request):
            yield EDITORS_ONLY, *lists(), None
            return
        if not files:
            yield "Obs! Välj en eller flera filer först.", *lists(), None
            return
        unchanged = (gr.update(),) * 5
        paths = [Path(file) for file in files]
        try:
            for step in stepwise(lambda progress: engine.add_documents(paths, progress), "Tar emot filerna"):
                if not isinstance(step, CorpusChange):
                    yield step, *unchanged
                    continue
                yield change_message(step), *lists(), None
        except Exception as error:  # a rebuild already running, or an internal error
            yield f"Obs! {html.escape(user_message(error, 'adding documents'))}", *lists(), None

    def ask_removal(name: str | None, request: gr.Request) -> tuple:
        if not access.may_edit(request):
            return EDITORS_ONLY, gr.update(visible=False), ""
        summary = next((s for s in engine.documents() if s.name == name), None)
        if summary is None:
            return "Obs! Välj ett dokument att ta bort.", gr.update(visible=False), ""
        text = (
            f"Ta bort **{html.escape(summary.title)}** ({html.escape(summary.name)})? "
            f"Dess {passages_text(summary.passages)} försvinner ur svaren; filen läggs i papperskorgen."
        )
        return "", gr.update(visible=True), text

    def remove(name: str | None, request: gr.Request) -> Iterator[tuple]:
        hidden = gr.update(visible=False)
        if not access.may_edit(request):
            yield EDITORS_ONLY, *lists(), hidden, hidden, None
            return
        if not name:
            yield "Obs! Välj ett dokument att ta bort.", *lists(), hidden, hidden, None
            return
        yield working(f"Tar bort {name} och bygger om indexet"), *(gr.update(),) * 4, hidden, hidden, gr.update()
        try:
            change = engine.remove_document(name)
        except Exception as error:
            yield f"Obs! {html.escape(user_message(error, f'removing {name}'))}", *lists(), hidden, hidden, None
            return
        removed = change.removed[0].name
        yield change_message(change), *lists(), hidden, gr.update(visible=True), removed

    def restore(name: str | None, request: gr.Request) -> Iterator[tuple]:
        hidden = gr.update(visible=False)
        if not access.may_edit(request):
            yield EDITORS_ONLY, *lists(), hidden, None
            return
        if not name:
            yield "Obs! Välj ett dokument i papperskorgen.", *lists(), hidden, None
            return
        yield working(f"Återställer {name} och bygger om indexet"), *(gr.update(),) * 4, hidden, gr.update()
        try:
            change = engine.restore_document(name)
        except Exception as error:
            yield f"Obs! {html.escape(user_message(error, f'restoring {name}'))}", *lists(), hidden, None
            return
        yield change_message(change), *lists(), hidden, None

    shown = [listing, chosen, trashed, document_filter]
    added = add_button.click(add, upload, [status, *shown, upload], **EDIT)
    remove_button.click(ask_removal, chosen, [status, confirm_row, question], **EDIT)
    cancel_button.click(lambda: gr.update(visible=False), None, confirm_row, **QUIET)
    removed = confirm_button.click(remove, chosen, [status, *shown, confirm_row, undo_button, last_removed], **EDIT)
    undone = undo_button.click(restore, last_removed, [status, *shown, undo_button, last_removed], **EDIT)
    restored = restore_button.click(restore, trashed, [status, *shown, undo_button, last_removed], **EDIT)
    return DocumentsPanel(
        listing=listing,
        status=status,
        removal=chosen,
        trash=trashed,
        editing=editing,
        changes=(added, removed, undone, restored),
        handlers=(add, ask_removal, remove, restore),
    )


def stepwise(work: Callable[[Progress], CorpusChange], first: str) -> Iterator[str | CorpusChange]:
    """Run ``work`` in a thread, yielding the status line of each step it reports (``first`` before any), then
    its change; its exception is raised here."""
    steps: queue.Queue[str] = queue.Queue()
    steps.put(first)
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(work, lambda _done, step: steps.put(step))
        while not (running.done() and steps.empty()):
            try:
                yield working(steps.get(timeout=STEP_SECONDS))
            except queue.Empty:
                continue
        yield running.result()


def change_message(change: CorpusChange) -> str:
    """What an upload, a removal or a restore did, as the panel's status (Markdown, user text escaped)."""
    lines = [f"Obs! {html.escape(failure)}" for failure in change.failures]
    for summary in change.added:
        lines.append(f"Klart: {html.escape(summary.title)}: {passages_text(summary.passages)}.")
        lines.extend(f"Obs! {html.escape(summary.name)}: {html.escape(note)}." for note in summary.notes)
    lines.extend(
        f"Obs! {html.escape(asked)} sparades som {html.escape(stored)}: namnet var upptaget."
        for asked, stored in change.renamed
    )
    lines.extend(f"Tog bort {html.escape(path.name)} (den ligger i papperskorgen)." for path in change.removed)
    lines.extend(f"Återställde {html.escape(path.name)}." for path in change.restored)
    if change.empty:
        lines.append("Korpusen är tom; det gamla indexet svarar tills ett dokument har lagts till.")
    if change.build:
        report = change.build
        log.info(
            "Rebuilt after a change to the documents: %d passages in %.1f s (%d vectors embedded, %d from the cache, "
            "%d sentences pending)",
            report.passages,
            report.seconds,
            report.embedded,
            report.reused,
            report.pending,
        )
        lines.append(build_summary(change.build))
    if change.build and change.build.pending:
        lines.append(searchable_text(change.build.pending))
    if change.build_error:
        lines.append(
            f"Obs! Omindexeringen misslyckades: {html.escape(change.build_error)} Det gamla indexet svarar fortfarande."
        )
    return "\n\n".join(lines)
