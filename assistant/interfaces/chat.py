"""The Gradio chat: questions in, the report's own words out, with a sources panel.

Public API: one documented endpoint, ``/ask`` (usable with ``gradio_client``).
The chat's own events and the rebuild action are private: not listed and not
callable as API endpoints.  The page's layout is ``page.py``, what it shows as
text ``presentation.py``; this module says what each event does and wires it, and
launches the app (a little over 300 lines: the events, their wiring and the launch
change together whenever the page gains a control).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import gradio as gr

from assistant.documents.library import MAX_DOCUMENT_BYTES
from assistant.engine import DEFAULT_TOP_K, Engine, Reply
from assistant.errors import BusyError, InputError, user_message
from assistant.interfaces.documents_panel import ALL_DOCUMENTS, corpus_listing, document_choices
from assistant.interfaces.page import ALL, UI_STRINGS, Page, asset, lay_out, status_text, theme
from assistant.interfaces.presentation import (
    Turn,
    applied_filters,
    build_summary,
    chat_message,
    filter_line,
    reading_line,
    sources_html,
    transcript,
)
from assistant.reply.render import escape, to_markdown
from assistant.search.conversation import Conversation
from assistant.search.retrieve import Filters

log = logging.getLogger(__name__)

REBUILDING = '<div class="working">Bygger om indexet: läser dokumenten och räknar fram vektorerna …</div>'
"""Shown while a rebuild runs, with an indeterminate progress bar (CSS): the build reports no steps."""
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
"""The page's own events are not API endpoints; only ``/ask`` is."""


def _conversation(state: Any) -> Conversation | None:
    """The conversation a page or API client kept; an unreadable one is logged and the question asked anew."""
    try:
        return Conversation.from_dict(state) if state else None
    except InputError as error:
        log.warning("Asking without the conversation state given: %s", error)
        return None


def _filters(municipality: str | None, role: str | None, kind: str | None, document: str | None = None) -> Filters:
    """The filters the dropdowns (or an API client) chose; "Alla" and empty mean none."""

    def value(choice: str | None) -> str | None:
        return None if not choice or choice in (ALL, ALL_DOCUMENTS) else choice

    return Filters(municipality=value(municipality), role=value(role), kind=value(kind), document=value(document))


class ChatEvents:
    """What each of the page's events does, for one engine and one page."""

    def __init__(self, engine: Engine, page: Page) -> None:
        self.engine = engine
        self.page = page

    def _answer(self, question: str, where: str, **options: Any) -> Reply | str:
        """The engine's reply, or the message the user reads instead (see ``errors.user_message``)."""
        try:
            return self.engine.ask(question, **options)
        except Exception as error:
            return user_message(error, f"answering {str(question)[:200]!r} {where}")

    def respond(
        self,
        message: str,
        history: list[dict],
        done: list[Turn],
        previous: dict | None,
        municipality: str,
        role: str,
        kind: str,
        document: str,
    ) -> dict:
        page = self.page
        if not isinstance(message, str) or not message.strip():
            gr.Info("Skriv en fråga i rutan först.", duration=4, title="Tom fråga")
            return {page.question: gr.update()}  # an empty dict reads to Gradio as one missing value
        history = list(history or [])
        reply = self._answer(
            message,
            "in the chat",
            filters=_filters(municipality, role, kind, document),
            conversation=_conversation(previous),
        )
        if isinstance(reply, str):
            return self._notice(history, message, reply)
        applied = applied_filters(reply.filters, reply.inferred)
        line = filter_line(applied)
        reading = reading_line(reply.follows, bool(previous or done))
        done = [*done, Turn(reply.answer.question, to_markdown(reply.answer.reply), line)]
        return {
            page.chat: [
                *history,
                {"role": "user", "content": escape(reply.answer.question)},
                {"role": "assistant", "content": chat_message(reply.answer, line, reading)},
            ],
            page.question: "",
            page.previous_query: reply.conversation.to_dict(),
            page.undo_query: previous if any(f.inferred for f in applied) else reply.conversation.to_dict(),
            page.ask_anew: gr.update(visible=bool(reply.follows)),
            page.sources: sources_html(reply.answer, reply.query),
            page.cited: [hit.passage.to_dict() for hit in reply.answer.cited],
            page.turns: done,
            page.transcript_text: transcript(done, datetime.now(UTC)),
            page.download: gr.update(interactive=True),
            page.context_row: gr.update(visible=bool(applied)),
            page.context_text: line,
        }

    def _notice(self, history: list[dict], message: str, notice: str) -> dict:
        """The user's message and a warning in reply; nothing else changes."""
        return {
            self.page.chat: [
                *history,
                {"role": "user", "content": escape(str(message)[:500])},
                {"role": "assistant", "content": f"**Obs!** {notice}"},
            ],
            self.page.question: "",
        }

    def ask_example(self, text: str) -> Callable[..., dict]:
        """An example button's event: always a new question, never a follow-up."""

        def run(history: list[dict], done: list[Turn], municipality: str, role: str, kind: str, document: str) -> dict:
            return self.respond(text, history, done, None, municipality, role, kind, document)

        return run

    def ask_anew(
        self, history: list[dict], done: list[Turn], municipality: str, role: str, kind: str, document: str
    ) -> dict:
        """The last question asked again as a new one, in place of its reply read as a follow-up."""
        if not done or len(history or []) < 2:
            return {self.page.ask_anew: gr.update(visible=False)}
        return self.respond(done[-1].question, history[:-2], done[:-1], None, municipality, role, kind, document)

    def forget_filters(self, undo: dict | None) -> dict:
        """The next question runs without the filters shown: read ones forgotten, chosen ones reset."""
        page = self.page
        return {
            page.previous_query: undo,
            page.municipality: ALL,
            page.role: ALL,
            page.kind: ALL,
            page.document: ALL_DOCUMENTS,
            page.context_row: gr.update(visible=False),
            page.context_text: "",
        }

    def reset(self) -> dict:
        page = self.page
        return {
            page.chat: [],
            page.previous_query: None,
            page.undo_query: None,
            page.ask_anew: gr.update(visible=False),
            page.turns: [],
            page.transcript_text: "",
            page.download: gr.update(interactive=False),
            page.sources: sources_html(None, ""),
            page.cited: [],
            page.context_row: gr.update(visible=False),
            page.context_text: "",
        }

    def start_rebuild(self) -> dict:
        return {self.page.rebuild_button: gr.update(interactive=False), self.page.note: REBUILDING}

    def rebuild(self) -> dict:
        try:
            message = build_summary(self.engine.rebuild())
        except BusyError as error:
            message = str(error)
        except Exception as error:
            message = f"Omindexeringen misslyckades: {user_message(error, 'rebuilding from the chat')}"
        return {self.page.note: message, **self._status()}

    def refresh(self, shown: str | None) -> dict:
        """Load an index rebuilt elsewhere; the status and the button follow the engine.

        When the page opens, and whenever the engine has switched to another build since this page last
        looked (an upload in another tab, ``assistant corpus add``), the documents table, the removal list
        and the document filter are filled again: a page is never left with the corpus it was built with.
        """
        self.engine.reload_if_changed()
        index = self.engine.retriever.index
        if str(index.path) == shown:
            return self._status()
        page = self.page
        listing, removal = corpus_listing(self.engine)
        return {
            **self._status(),
            page.documents.listing: listing,
            page.documents.removal: removal,
            page.document: gr.update(choices=document_choices(self.engine.document_titles())),
            page.shown_index: str(index.path),
        }

    def _status(self) -> dict:
        return {
            self.page.status: status_text(self.engine),
            self.page.rebuild_button: gr.update(interactive=not self.engine.rebuilding),
        }

    def ask(
        self,
        question: str,
        municipality: str = "",
        role: str = "",
        kind: str = "",
        top_k: int = DEFAULT_TOP_K,
        document: str = "",
        previous_query: str = "",
        conversation: dict | None = None,
    ) -> dict[str, Any]:
        """Ask the report a question in Swedish.

        Returns the reply as Markdown and the ranked passages with citations.
        Empty filters mean any municipality, role, kind and document.  To hold a conversation, pass
        the previous reply's ``conversation`` back as ``conversation`` ("Och i Kalix?" is then read in it;
        the reply's ``follows``, ``topic`` and ``follow_up_probability`` say how); the previous reply's
        ``query`` as ``previous_query`` still works, carrying that question only.
        """
        self.engine.reload_if_changed()  # API clients see a rebuild made elsewhere without a page open
        try:
            count = _whole_number(top_k)
        except InputError as error:
            return {"question": str(question)[:500], "error": str(error)}
        reply = self._answer(
            question,
            "through the API",
            top_k=count,
            filters=Filters(
                municipality or None,
                role or None,
                kind or None,
                self.engine.document_key(document) if document else None,  # a title as well as a file name
            ),
            previous_query=str(previous_query or "").strip()[:2000] or None,
            conversation=_conversation(conversation),
        )
        if isinstance(reply, str):
            return {"question": str(question)[:500], "error": reply}
        return reply.to_dict()


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
    for trigger in (page.question.submit, page.send.click):
        trigger(events.respond, asking, answered, **PRIVATE).then(None, js=after_reply, **PRIVATE)
    for button in page.example_buttons:
        button.click(events.ask_example(button.value), [page.chat, page.turns, *filters], answered, **PRIVATE).then(
            None, js=after_reply, **PRIVATE
        )
    page.ask_anew.click(events.ask_anew, [page.chat, page.turns, *filters], answered, **PRIVATE).then(
        None, js=after_reply, **PRIVATE
    )
    page.clear_filters.click(
        events.forget_filters,
        [page.undo_query],
        [page.previous_query, *filters, page.context_row, page.context_text],
        **PRIVATE,
    )
    for cleared in (page.new_chat.click, page.chat.clear):
        cleared(events.reset, None, answered, **PRIVATE).then(None, js=asset("reset.js"), **PRIVATE)
    page.download.click(None, [page.transcript_text], None, js=asset("download.js"), **PRIVATE)
    page.rebuild_button.click(events.start_rebuild, None, [page.rebuild_button, page.note], **PRIVATE).then(
        events.rebuild,
        None,
        [page.status, page.note, page.rebuild_button],
        concurrency_limit=1,
        concurrency_id="rebuild",
        show_progress="hidden",
        **PRIVATE,
    )
    shown = [
        page.status,
        page.rebuild_button,
        page.documents.listing,
        page.documents.removal,
        page.document,
        page.shown_index,
    ]
    for change in page.documents.changes:
        change.then(None, js=asset("show_status.js"), **PRIVATE)
    for loaded in (page.timer.tick, app.load):
        loaded(events.refresh, [page.shown_index], shown, show_progress="hidden", **PRIVATE)


def build_app(engine: Engine) -> gr.Blocks:
    """The Blocks app for one engine: the page, its events, and the ``/ask`` endpoint."""
    with gr.Blocks(title="Rapportassistenten") as app:
        page = lay_out(engine)
        events = ChatEvents(engine, page)
        _wire(app, page, events)
        gr.api(events.ask, api_name="ask")
    return app


def _whole_number(value: object) -> int:
    """``top_k`` as sent by an API client; InputError (Swedish) when it is no whole number."""
    try:
        return int(str(value))
    except ValueError as error:
        raise InputError(f"Antal träffar måste vara ett heltal, inte {str(value)[:20]!r}.") from error


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """ "user:password" → (user, password); InputError when malformed."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise InputError("--auth ska ha formen ANVÄNDARE:LÖSENORD.")
    return user, password


def serve(
    engine: Engine, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None, block: bool = True
) -> gr.Blocks:
    """Launch the chat; listens on loopback unless another host is asked for.

    Gradio's own start-up lines (with their advice about public share links, which this
    app never makes) are silenced; a blocking server prints one Swedish line with its address.
    """
    credentials = parse_auth(auth)
    if host not in ("127.0.0.1", "localhost", "::1") and credentials is None:
        log.warning("Listening on %s without --auth: anyone on the network can use the chat", host)
    app = build_app(engine)
    app.queue(default_concurrency_limit=8, max_size=256)
    app.launch(
        server_name=host,
        server_port=port,
        auth=credentials,
        auth_message="Logga in för att använda Rapportassistenten." if credentials else None,
        prevent_thread_lock=True,
        show_error=False,
        quiet=True,
        footer_links=["api"],
        theme=theme(),
        css=asset("chat.css"),
        js=asset("on_load.js"),
        i18n=gr.I18n(en=UI_STRINGS, sv=UI_STRINGS),
        max_file_size=MAX_DOCUMENT_BYTES,
    )
    if block:
        print(f"Rapportassistenten körs på http://{host}:{port}/ – avsluta med Ctrl+C.", flush=True)
        app.block_thread()
    return app
