"""What each of the chat page's events does, for one engine and one page (wired in ``chat.py``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import gradio as gr

from assistant import config
from assistant.engine import Engine, Reply
from assistant.errors import BusyError, InputError, user_message
from assistant.interfaces.accounts import Access
from assistant.interfaces.document_lists import (
    ALL,
    ALL_DOCUMENTS,
    chat_placeholder,
    document_choices,
    documents_table,
    municipality_choices,
    removal_choices,
    role_choices,
    title_line,
    trash_choices,
)
from assistant.interfaces.page import Page, status_text
from assistant.interfaces.presentation import (
    Turn,
    applied_filters,
    build_summary,
    chat_message,
    filter_line,
    reading_line,
    settled,
    sources_html,
    transcript,
    working,
)
from assistant.reply.render import escape, to_markdown
from assistant.search.conversation import Conversation
from assistant.search.retrieve import Filters

log = logging.getLogger(__name__)


def conversation_state(state: Any) -> Conversation | None:
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


def asked(question: object) -> str:
    """A question as the log names it: its text only when the coordinator asked for it (``config.log_questions``)."""
    return repr(str(question)[:200]) if config.log_questions() else "a question"


def answer_or_message(engine: Engine, question: str, where: str, **options: Any) -> Reply | str:
    """The engine's reply, or the message the user reads instead (see ``errors.user_message``): the page and
    ``/ask`` answer through this one function."""
    try:
        return engine.ask(question, **options)
    except Exception as error:
        return user_message(error, f"answering {asked(question)} {where}")


class ChatEvents:
    """What each of the page's events does, for one engine and one page."""

    def __init__(self, engine: Engine, page: Page, access: Access) -> None:
        self.engine = engine
        self.page = page
        self.access = access

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
        reply = answer_or_message(
            self.engine,
            message,
            "in the chat",
            filters=_filters(municipality, role, kind, document),
            conversation=conversation_state(previous),
        )
        if isinstance(reply, str):
            return self._notice(history, message, reply)
        mended = reply.understood.text if reply.understood else reply.answer.question  # "overtornea" → "övertorneå"
        applied = applied_filters(reply.filters, reply.inferred, mended, bool(reply.follows))
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
            page.transcript_text: transcript(done, datetime.now(UTC), self.engine.documents()),
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
        note = working("Bygger om indexet: läser dokumenten och gör dem sökbara")
        return {self.page.rebuild_button: gr.update(interactive=False), self.page.note: note}

    def rebuild(self, request: gr.Request) -> dict:
        if not self.access.may_edit(request):
            return {self.page.note: "Obs! Bara redaktörer får bygga om indexet.", **self._status()}
        try:
            message = build_summary(self.engine.rebuild())
        except BusyError as error:
            message = str(error)
        except Exception as error:
            message = f"Omindexeringen misslyckades: {user_message(error, 'rebuilding from the chat')}"
        return {self.page.note: message, **self._status()}

    def refresh(self, shown: str | None, upload_status: str | None = None) -> dict:
        """Load an index rebuilt elsewhere; the status and the button follow the engine, and an upload's status
        (``upload_status``: what the documents panel shows) says when its sentences are in.

        When the page opens, and whenever the engine has switched to another build since this page last
        looked (an upload in another tab, ``assistant corpus add``), the title, the documents table, the
        removal and trash lists and the document, municipality and role filters are filled again from the
        loaded index: a page is never left with the documents it was built with, and no document is read.
        The upload's status is written only when it settles, never otherwise (a poll must not write back an
        older text than an upload has just shown).
        """
        self.engine.reload_if_changed()
        index = self.engine.retriever.index
        done = settled(upload_status or "", index.manifest.pending_sentences)
        status = self._status() | ({self.page.documents.status: done} if done is not None else {})
        if str(index.path) == shown:
            return status
        page = self.page
        documents = self.engine.documents()
        return {
            **status,
            page.title: title_line(self.engine),
            page.documents.listing: documents_table(documents),
            page.documents.removal: gr.update(choices=removal_choices(documents)),
            page.documents.trash: gr.update(choices=trash_choices(self.engine)),
            page.document: gr.update(choices=document_choices(documents)),
            page.municipality: gr.update(choices=municipality_choices(self.engine)),
            page.role: gr.update(choices=role_choices(self.engine)),
            page.shown_index: str(index.path),
        }

    def placeholder(self) -> dict:
        """The empty conversation's invitation, for the documents loaded now."""
        return gr.update(placeholder=chat_placeholder(self.engine))

    def show_controls(self, request: gr.Request) -> dict:
        """The editors' controls (documents, rebuild) shown to an editor only; a reader never sees them."""
        editor = self.access.may_edit(request)
        return {
            self.page.documents.editing: gr.update(visible=editor),
            self.page.rebuild_button: gr.update(visible=editor),
        }

    def _status(self) -> dict:
        return {
            self.page.status: status_text(self.engine),
            self.page.rebuild_button: gr.update(interactive=not self.engine.rebuilding),
        }
