"""The chat page's layout: every component, where it stands, and the look (theme, CSS, JavaScript).

``lay_out`` places the components inside a ``gr.Blocks`` and returns them as a
:class:`Page`; what they do when used is wired in ``chat.py``.  The CSS and the
JavaScript are package files in ``static/`` (see :data:`SCRIPTS`), read with
``importlib.resources`` so they are edited as CSS and JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import gradio as gr

from assistant.documents.passages import KIND_LABELS
from assistant.engine import Engine
from assistant.interfaces.accounts import Access
from assistant.interfaces.document_lists import (
    ALL,
    ALL_DOCUMENTS,
    chat_placeholder,
    document_choices,
    municipality_choices,
    role_choices,
    title_line,
)
from assistant.interfaces.documents_panel import DocumentsPanel, documents_panel
from assistant.interfaces.page_viewer import page_viewer
from assistant.interfaces.presentation import index_status, sources_html
from assistant.search.retrieve import DEFAULT_KINDS

EXAMPLES = [
    "Hur får man med politikerna?",
    "Vad gjorde Kalix?",
    "Vilka tips finns om uppföljning?",
    "Hur gör man arbetet långsiktigt?",
    "Vad säger verksamheterna om att driva arbetet i grupp?",
]
INDEX_POLL_SECONDS = 5
"""How often an open page asks whether the index on disk changed: a symlink lookup and the status line; the
lists are sent again only when the engine has loaded another build (``ChatEvents.refresh``)."""
CHAT_HEIGHT = "max(22rem, calc(100dvh - 19rem))"
"""The conversation takes the window's height less the title, question box and examples below it."""
UI_STRINGS = {
    "errors.use_via_api": "API för utvecklare",
    "errors.use_via_api_or_mcp": "API för utvecklare",
    "chatbot.copy_message": "Kopiera som Markdown",
    "chatbot.copied_message": "Kopierat",
    "chatbot.clear": "Rensa samtalet",
    "upload_text.drop_file": "Släpp filer här",
    "upload_text.click_to_upload": "Klicka för att välja filer",
    "common.or": "eller",
    "common.complete": "Klart",
    "common.error": "Fel",
    "common.loading": "Laddar",
    "common.progress": "Förlopp",
}
"""Gradio's own texts on this page, in Swedish whatever the browser's language (Gradio picks it from the browser)."""
SCRIPTS = {
    "on_load.js": "Swedish page language (screen readers, hyphenation), Swedish names for the chat's messages "
    "where Gradio hard-codes English ones; copied replies get plain [n] instead of in-page links.",
    "after_reply.js": "A new reply opens at its start, the user's question just above it; the cursor goes back "
    "to the question box.",
    "download.js": "The conversation is saved by the browser; it is never written to the server's disk.",
    "reset.js": "A cleared conversation starts the count of asked questions that after_reply.js waits for again.",
    "show_status.js": "What an upload or a removal did is scrolled into sight when it landed below the window.",
}
"""The page's JavaScript functions (files in ``static/``), each run by Gradio on one event, and why."""


@cache
def asset(name: str) -> str:
    """A file of ``static/`` (JavaScript or CSS) as text."""
    return (resources.files("assistant.interfaces") / "static" / name).read_text(encoding="utf-8")


def theme() -> gr.themes.Base:
    """Soft teal, with the primary button and labels dark enough for WCAG AA contrast."""
    return gr.themes.Soft(primary_hue="teal").set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        block_label_text_color="*neutral_700",
        block_title_text_color="*neutral_800",
        block_label_background_fill="*primary_50",
        block_title_background_fill="*primary_50",
        body_text_color_subdued="*neutral_600",
        input_placeholder_color="*neutral_500",
    )


def status_text(engine: Engine) -> str:
    """The index panel's line: size, build time and age."""
    return index_status(engine.retriever.index.manifest, datetime.now(UTC))


@dataclass(frozen=True)
class Page:
    """The components the chat's events read and write."""

    title: gr.Markdown
    chat: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    example_buttons: list[gr.Button]
    context_row: gr.Row
    context_text: gr.Markdown
    clear_filters: gr.Button
    new_chat: gr.Button
    download: gr.Button
    transcript_text: gr.Textbox
    municipality: gr.Dropdown
    role: gr.Dropdown
    kind: gr.Dropdown
    document: gr.Dropdown
    status: gr.Markdown
    rebuild_button: gr.Button
    note: gr.Markdown
    sources: gr.HTML
    documents: DocumentsPanel
    timer: gr.Timer
    shown_index: gr.State
    """The index build the page's document lists were last filled from (None until the page has loaded)."""
    previous_query: gr.State
    """The conversation the last reply returned (``Conversation.to_dict``): the next question is read in it."""
    undo_query: gr.State
    """What ``previous_query`` becomes when the user removes the filters shown."""
    ask_anew: gr.Button
    """Shown under a reply read as a follow-up: asks its question again as a new one."""
    turns: gr.State
    """The conversation so far, for the Markdown transcript."""
    cited: gr.State
    """The last reply's cited passages, for the page viewer."""


def lay_out(engine: Engine, access: Access) -> Page:
    """Place the page's components (inside an open ``gr.Blocks``): the conversation left, filters and sources right.

    The lists (documents, municipalities, roles) and the title are those of the index loaded now; the chat
    refills them when the engine loads another build.  The editors' controls start hidden (``access``).
    """
    municipalities = municipality_choices(engine)
    roles = role_choices(engine)
    kinds = [(ALL, ALL), *[(KIND_LABELS[k].capitalize(), KIND_LABELS[k]) for k in DEFAULT_KINDS]]  # value: citat
    documents = document_choices(engine.documents())
    title = gr.Markdown(title_line(engine), elem_id="title")
    previous_query = gr.State(None)
    undo_query = gr.State(None)
    turns = gr.State([])
    cited = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chat = gr.Chatbot(
                label="Samtal",
                show_label=False,
                height=CHAT_HEIGHT,
                autoscroll=False,
                layout="panel",
                elem_id="chat",
                buttons=["copy"],
                placeholder=chat_placeholder(engine),
            )
            ask_anew = gr.Button("Ställ som ny fråga", size="sm", visible=False, elem_id="ask-anew")
            with gr.Row(visible=False, elem_id="context") as context_row:
                context_text = gr.Markdown(elem_id="context-text")
                clear_filters = gr.Button("Ta bort filtren", size="sm", scale=0, min_width=150, elem_id="clear-filters")
            with gr.Row():
                question = gr.Textbox(
                    label="Din fråga",
                    placeholder="Skriv din fråga och tryck Enter",
                    scale=5,
                    max_lines=4,
                    elem_id="question",
                    autofocus=True,
                )
                send = gr.Button("Fråga", variant="primary", scale=1, elem_id="send", min_width=80)
            gr.Markdown("Exempel på frågor – klicka för att fråga:", elem_id="examples-label")
            with gr.Row(elem_id="examples"):
                example_buttons = [
                    gr.Button(text, size="sm", variant="secondary", scale=0, min_width=0) for text in EXAMPLES
                ]
            with gr.Row():
                new_chat = gr.Button("Nytt samtal", variant="secondary", size="sm", elem_id="new-chat")
                download = gr.Button("Ladda ned samtalet (Markdown)", size="sm", interactive=False, elem_id="download")
            transcript_text = gr.Textbox(visible="hidden", elem_id="transcript")
        with gr.Column(scale=2, min_width=280):
            with gr.Accordion("Filter", open=False):
                municipality = gr.Dropdown(municipalities, value=ALL, label="Kommun", elem_id="municipality")
                role = gr.Dropdown(roles, value=ALL, label="Roll (citat)", elem_id="role")
                kind = gr.Dropdown(kinds, value=ALL, label="Typ", elem_id="kind")
                document = gr.Dropdown(documents, value=ALL_DOCUMENTS, label="Dokument", elem_id="document-filter")
            with gr.Accordion("Index", open=False):
                status = gr.Markdown(status_text(engine), elem_id="index-status")
                rebuild_button = gr.Button("Bygg om indexet", size="sm", visible=False, elem_id="rebuild")
                note = gr.Markdown(elem_id="index-note")
            panel = documents_panel(engine, access, document)
            gr.Markdown("### Källor")
            sources = gr.HTML(sources_html(None, ""), elem_id="sources")
            page_viewer(engine, cited)
    return Page(
        title=title,
        chat=chat,
        question=question,
        send=send,
        example_buttons=example_buttons,
        context_row=context_row,
        context_text=context_text,
        clear_filters=clear_filters,
        new_chat=new_chat,
        download=download,
        transcript_text=transcript_text,
        municipality=municipality,
        role=role,
        kind=kind,
        document=document,
        status=status,
        rebuild_button=rebuild_button,
        note=note,
        sources=sources,
        documents=panel,
        timer=gr.Timer(INDEX_POLL_SECONDS),
        shown_index=gr.State(None),
        previous_query=previous_query,
        undo_query=undo_query,
        ask_anew=ask_anew,
        turns=turns,
        cited=cited,
    )
