"""The Gradio chat's wiring: the page (``page.py``), its events (``chat_events.py``), the documents panel and
the public ``/ask`` endpoint (``api.py``) put together in one ``gr.Blocks``; launched by ``server.py``.

Public API: one documented endpoint, ``/ask`` (usable with ``gradio_client``).  The chat's own events are
private: not listed and not callable through the client libraries.
"""

from __future__ import annotations

import gradio as gr

from assistant.engine import Engine
from assistant.interfaces.accounts import Access
from assistant.interfaces.api import AskEndpoint
from assistant.interfaces.chat_events import ChatEvents
from assistant.interfaces.event_options import PRIVATE, QUIET
from assistant.interfaces.page import Page, asset, lay_out


def _wire(app: gr.Blocks, page: Page, events: ChatEvents) -> None:
    """Connect the page's events to their handlers; every one private, the rebuild one at a time."""
    filters = [page.municipality, page.role, page.kind, page.document]
    asking = [page.question, page.chat, page.turns, page.previous_query, *filters]
    answered = [
        page.chat,
        page.question,
        page.previous_query,
        page.undo_query,
        page.ask_anew,
        page.sources,
        page.cited,
        page.turns,
        page.transcript_text,
        page.download,
        page.context_row,
        page.context_text,
    ]
    after_reply = asset("after_reply.js")
    asked = {**PRIVATE, "show_progress_on": [page.chat]}  # the spinner over the conversation, not every output
    for trigger in (page.question.submit, page.send.click):
        trigger(events.respond, asking, answered, **asked).then(None, js=after_reply, **PRIVATE)
    for button in page.example_buttons:
        button.click(events.ask_example(button.value), [page.chat, page.turns, *filters], answered, **asked).then(
            None, js=after_reply, **PRIVATE
        )
    page.ask_anew.click(events.ask_anew, [page.chat, page.turns, *filters], answered, **asked).then(
        None, js=after_reply, **PRIVATE
    )
    page.clear_filters.click(
        events.forget_filters,
        [page.undo_query],
        [page.previous_query, *filters, page.context_row, page.context_text],
        **QUIET,
    )
    for cleared in (page.new_chat.click, page.chat.clear):
        cleared(events.reset, None, answered, **QUIET).then(None, js=asset("reset.js"), **PRIVATE)
    page.download.click(None, [page.transcript_text], None, js=asset("download.js"), **PRIVATE)
    page.rebuild_button.click(events.start_rebuild, None, [page.rebuild_button, page.note], **QUIET).then(
        events.rebuild,
        None,
        [page.status, page.note, page.rebuild_button],
        concurrency_limit=1,
        concurrency_id="rebuild",
        **QUIET,
    )
    shown = [
        page.status,
        page.rebuild_button,
        page.title,
        page.documents.listing,
        page.documents.status,
        page.documents.removal,
        page.documents.trash,
        page.document,
        page.municipality,
        page.role,
        page.shown_index,
    ]
    for change in page.documents.changes:
        change.then(None, js=asset("show_status.js"), **PRIVATE).then(
            events.refresh, [page.shown_index, page.documents.status], shown, **QUIET
        )
    for loaded in (page.timer.tick, app.load):
        loaded(events.refresh, [page.shown_index, page.documents.status], shown, **QUIET)
    app.load(events.show_controls, None, [page.documents.editing, page.rebuild_button], **QUIET)
    page.title.change(events.placeholder, None, page.chat, **QUIET)  # the documents changed: so does the invitation


def build_app(engine: Engine, access: Access) -> tuple[gr.Blocks, frozenset[int]]:
    """The Blocks app for one engine (the page, its events, and the ``/ask`` endpoint), and Gradio's function
    indexes of the events only an editor may run (the server refuses them to anyone else)."""
    with gr.Blocks(title="Rapportassistenten") as app:
        page = lay_out(engine, access)
        events = ChatEvents(engine, page, access)
        _wire(app, page, events)
        gr.api(AskEndpoint(engine).ask, api_name="ask")
    handlers = (*page.documents.handlers, events.rebuild)
    return app, frozenset(index for index, block in app.fns.items() if block.fn in handlers)
