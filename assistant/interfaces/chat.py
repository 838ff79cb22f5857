"""The Gradio chat: questions in, the report's own words out, with a sources panel.

Public API: one documented endpoint, ``/ask`` (usable with ``gradio_client``).
The chat's own events and the rebuild action are private: not listed and not
callable as API endpoints. What the page shows as text is built in
``presentation.py``; this module lays the page out and wires its events.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import gradio as gr

from assistant.documents.library import MAX_DOCUMENT_BYTES
from assistant.documents.passages import KIND_LABELS
from assistant.engine import Engine
from assistant.errors import BusyError, InputError, user_message
from assistant.interfaces.documents_panel import ALL_DOCUMENTS, document_choices, documents_panel, page_viewer
from assistant.interfaces.presentation import (
    Turn,
    applied_filters,
    build_summary,
    filter_line,
    index_status,
    linked_citations,
    sources_html,
    transcript,
)
from assistant.reply.answer import escape
from assistant.search.retrieve import DEFAULT_KINDS, Filters

log = logging.getLogger(__name__)

ALL = "Alla"
EXAMPLES = [
    "Hur får man med politikerna?",
    "Vad gjorde Kalix?",
    "Vilka tips finns om uppföljning?",
    "Hur gör man arbetet långsiktigt?",
    "Vad säger verksamheterna om att driva arbetet i grupp?",
]
INDEX_POLL_SECONDS = 5
"""How often an open page asks whether the index on disk changed (a symlink lookup; cheap)."""
CHAT_HEIGHT = "max(22rem, calc(100dvh - 19rem))"
"""The conversation takes the window's height less the title, question box and examples below it."""
DOWNLOAD_NAME = "samtal-rapportassistenten.md"
REBUILDING = '<div class="working">Bygger om indexet: läser dokumenten och räknar fram vektorerna …</div>'
"""Shown while a rebuild runs, with an indeterminate progress bar (CSS): the build reports no steps."""
UI_STRINGS = {
    "errors.use_via_api": "API",
    "errors.use_via_api_or_mcp": "API",
    "chatbot.copy_message": "Kopiera som Markdown",
    "chatbot.copied_message": "Kopierat",
    "chatbot.clear": "Rensa samtalet",
}
"""Gradio's own texts on this page, in Swedish whatever the browser's language (Gradio picks it from the browser)."""

ON_LOAD_JS = """
() => {
  document.documentElement.lang = "sv";
  const clipboard = navigator.clipboard;
  if (clipboard && !clipboard.plainCitations) {
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => write(String(text).replace(/\\[\\[(\\d+)\\]\\]\\(#kalla-\\d+\\)/g, "[$1]"));
    clipboard.plainCitations = true;
  }
  const swedish = [[/^user's message: /, "Din fråga: "], [/^bot's message: /, "Svar: "],
                   [/^chatbot conversation$/, "Samtal"]];
  const relabel = (element) => {
    const label = element.getAttribute("aria-label") || "";
    for (const [english, own] of swedish) {
      if (english.test(label)) element.setAttribute("aria-label", label.replace(english, own));
    }
  };
  new MutationObserver((changes) => changes.forEach((change) => {
    if (change.type === "attributes") relabel(change.target);
    else change.addedNodes.forEach((node) => node.querySelectorAll &&
      [node, ...node.querySelectorAll("[aria-label]")].forEach(relabel));
  })).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"] });
  document.querySelectorAll("[aria-label]").forEach(relabel);
}
"""
"""Swedish page language (screen readers, hyphenation), Swedish names for the chat's messages where Gradio
hard-codes English ones; copied replies get plain [n] instead of in-page links."""
AFTER_REPLY_JS = """
() => new Promise((done) => {
  const log = document.querySelector("#chat [role=log]");
  const asked = () => (log ? log.querySelectorAll("[data-testid=user]") : []);
  const started = Date.now();
  let height = -1;
  const settle = () => {
    const grown = asked().length !== (window.chatQuestions ?? 0);
    const steady = log && log.scrollHeight === height;
    height = log ? log.scrollHeight : 0;
    if (!(grown && steady) && Date.now() - started < 3000) return setTimeout(settle, 60);
    const last = asked()[asked().length - 1];
    window.chatQuestions = asked().length;
    if (last) {
      log.scrollTop += last.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
      const top = document.querySelector("#chat").getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight / 2) window.scrollBy(0, top - 8);
    }
    document.querySelector("#question textarea")?.focus({ preventScroll: true });
    done([]);
  };
  settle();
})
"""
"""A new reply opens at its start, the user's question just above it; the cursor goes back to the question box."""
DOWNLOAD_JS = f"""
(text) => {{
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], {{ type: "text/markdown;charset=utf-8" }}));
  link.download = "{DOWNLOAD_NAME}";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return [];
}}
"""
"""The conversation is saved by the browser; it is never written to the server's disk."""
RESET_JS = "() => { window.chatQuestions = 0; return []; }"
"""A cleared conversation starts the count of asked questions that AFTER_REPLY_JS waits for again."""
CSS = """
.gradio-container { max-width: 1280px !important; margin: auto; }
#title h1 { margin: 0 0 0.2em 0; }
#title p { margin: 0; }
#context { align-items: center; gap: 0.5rem; padding: 0.3rem 0.6rem; border-radius: 6px;
           background: #ecfdf5; border: 1px solid #0f766e; }
#context-text p { margin: 0; color: #134e4a; font-weight: 600; }
#clear-filters::before { content: "✕" / ""; margin-right: 0.4em; }
#examples-label p { margin: 0; font-size: 0.9em; color: #374151; }
#examples { flex-wrap: wrap; gap: 0.4rem; }
#examples button { flex: 0 1 auto; white-space: normal; text-align: left; }
#sources { scroll-margin-top: 1em; }
.source { border-left: 4px solid #0f766e; padding: 0.4em 0.8em; margin: 0 0 1em 0;
          background: var(--block-background-fill); border-radius: 4px; scroll-margin-top: 1em; }
.source:target { outline: 3px solid #0f766e; }
.source-head { font-weight: 600; font-size: 0.9em; }
.source-text { margin: 0.4em 0 0 0; line-height: 1.5; }
.source mark { color: #111827; padding: 0 1px; border-radius: 2px; }
.source mark.sentence { background: #fde68a; box-shadow: 0 0 0 1px #f59e0b; }
.source mark.word { background: #fef3c7; text-decoration: underline 2px #b45309; text-underline-offset: 2px; }
.source mark.sentence mark.word { background: transparent; }
.notice { font-weight: 600; }
#index-note p { margin: 0.3em 0 0 0; }
#index-note .working::after { content: ""; display: block; height: 4px; margin-top: 0.4em; border-radius: 2px;
  background: linear-gradient(90deg, #ccfbf1 0 35%, #0f766e 35% 65%, #ccfbf1 65% 100%); background-size: 300% 100%;
  animation: working 1.4s linear infinite; }
@keyframes working { from { background-position: 100% 0; } to { background-position: 0 0; } }
@media (prefers-reduced-motion: reduce) { #index-note .working::after { animation: none; background: #0f766e; } }
a:focus-visible, button:focus-visible, textarea:focus-visible, input:focus-visible, summary:focus-visible,
[role="button"]:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid #b45309 !important; outline-offset: 2px;
}
@media (min-width: 1024px) {
  #sources { max-height: calc(100dvh - 16rem); overflow-y: auto; padding-right: 0.3rem; }
}
"""


def _filters(municipality: str | None, role: str | None, kind: str | None, document: str | None = None) -> Filters:
    def value(choice: str | None) -> str | None:
        return None if not choice or choice in (ALL, ALL_DOCUMENTS) else choice

    return Filters(municipality=value(municipality), role=value(role), kind=value(kind), document=value(document))


def _theme() -> gr.themes.Base:
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


def build_app(engine: Engine) -> gr.Blocks:
    """The Blocks app for one engine."""
    passages = engine.retriever.index.passages
    municipalities = [ALL, *sorted({p.municipality for p in passages if p.municipality})]
    roles = [ALL, *sorted({p.role for p in passages if p.role})]
    kinds = [ALL, *[KIND_LABELS[k] for k in DEFAULT_KINDS]]
    documents = document_choices({p.document: p.title or p.document for p in passages})

    def status_text() -> str:
        return index_status(engine.retriever.index.manifest, datetime.now(UTC))

    with gr.Blocks(title="Rapportassistenten") as app:
        gr.Markdown(
            "# Rapportassistenten\n"
            "Fråga om rapporten *På väg mot jämställda och attraktiva kommuner* (Norrbottens Kommuner). "
            "Svaren är rapportens egna ord: citat med vem som sa dem, tips och stycken – "
            "alltid med källa (avsnitt, sida).",
            elem_id="title",
        )
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
                    placeholder="Ställ en fråga om rapporten, t.ex. ”Vad gjorde Kalix?”",
                )
                with gr.Row(visible=False, elem_id="context") as context_row:
                    context_text = gr.Markdown(elem_id="context-text")
                    clear_filters = gr.Button(
                        "Ta bort filtren", size="sm", scale=0, min_width=150, elem_id="clear-filters"
                    )
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
                    download = gr.Button(
                        "Ladda ned samtalet (Markdown)", size="sm", interactive=False, elem_id="download"
                    )
                transcript_text = gr.Textbox(visible="hidden", elem_id="transcript")
            with gr.Column(scale=2, min_width=280):
                with gr.Accordion("Filter", open=False):
                    municipality = gr.Dropdown(municipalities, value=ALL, label="Kommun", elem_id="municipality")
                    role = gr.Dropdown(roles, value=ALL, label="Roll (citat)", elem_id="role")
                    kind = gr.Dropdown(kinds, value=ALL, label="Typ", elem_id="kind")
                    document = gr.Dropdown(documents, value=ALL_DOCUMENTS, label="Dokument", elem_id="document-filter")
                with gr.Accordion("Index", open=False):
                    status = gr.Markdown(status_text(), elem_id="index-status")
                    rebuild_button = gr.Button("Bygg om indexet", size="sm", elem_id="rebuild")
                    note = gr.Markdown(elem_id="index-note")
                documents_panel(engine, document)
                gr.Markdown("### Källor")
                sources = gr.HTML(sources_html(None, ""), elem_id="sources")
                page_viewer(engine, cited)
        timer = gr.Timer(INDEX_POLL_SECONDS)

        def respond(
            message: str,
            history: list[dict],
            done: list[Turn],
            previous: str | None,
            municipality: str,
            role: str,
            kind: str,
            document: str,
        ) -> dict:
            if not isinstance(message, str) or not message.strip():
                gr.Info("Skriv en fråga i rutan först.", duration=4, title="Tom fråga")
                return {question: gr.update()}  # an empty dict reads to Gradio as one missing value
            history = list(history or [])
            try:
                filters = _filters(municipality, role, kind, document)
                reply = engine.ask(message, filters=filters, previous_query=previous)
            except Exception as error:
                return _notice(history, message, user_message(error, f"answering {str(message)[:200]!r}"))
            applied = applied_filters(reply.filters, reply.inferred)
            line = filter_line(applied)
            shown = f"*{escape(line)}*\n\n{reply.answer.markdown}" if line else reply.answer.markdown
            done = [*done, Turn(reply.answer.question, reply.answer.markdown, line)]
            return {
                chat: [
                    *history,
                    {"role": "user", "content": escape(reply.answer.question)},
                    {"role": "assistant", "content": linked_citations(shown)},
                ],
                question: "",
                previous_query: reply.query,
                undo_query: previous if any(f.inferred for f in applied) else reply.query,
                sources: sources_html(reply.answer, reply.query),
                cited: [hit.passage.to_dict() for hit in reply.answer.cited],
                turns: done,
                transcript_text: transcript(done, datetime.now(UTC)),
                download: gr.update(interactive=True),
                context_row: gr.update(visible=bool(applied)),
                context_text: line,
            }

        def _notice(history: list[dict], message: str, notice: str) -> dict:
            """The user's message and a warning in reply; nothing else changes."""
            return {
                chat: [
                    *history,
                    {"role": "user", "content": escape(str(message)[:500])},
                    {"role": "assistant", "content": f"**Obs!** {notice}"},
                ],
                question: "",
            }

        def ask_example(text: str) -> Callable[..., dict]:
            def run(
                history: list[dict], done: list[Turn], municipality: str, role: str, kind: str, document: str
            ) -> dict:
                return respond(text, history, done, None, municipality, role, kind, document)

            return run

        def forget_filters(undo: str | None) -> dict:
            """The next question runs without the filters shown: read ones forgotten, chosen ones reset."""
            return {
                previous_query: undo,
                municipality: ALL,
                role: ALL,
                kind: ALL,
                document: ALL_DOCUMENTS,
                context_row: gr.update(visible=False),
                context_text: "",
            }

        def reset() -> dict:
            return {
                chat: [],
                previous_query: None,
                undo_query: None,
                turns: [],
                transcript_text: "",
                download: gr.update(interactive=False),
                sources: sources_html(None, ""),
                cited: [],
                context_row: gr.update(visible=False),
                context_text: "",
            }

        def start_rebuild() -> dict:
            return {rebuild_button: gr.update(interactive=False), note: REBUILDING}

        def rebuild() -> dict:
            try:
                report = engine.rebuild()
            except BusyError as error:
                message = str(error)
            except Exception as error:
                message = f"Omindexeringen misslyckades: {user_message(error, 'rebuilding from the chat')}"
            else:
                message = build_summary(report)
            return {status: status_text(), note: message, rebuild_button: gr.update(interactive=not engine.rebuilding)}

        def refresh() -> dict:
            """Load an index rebuilt from the command line; the status and the button follow the engine."""
            engine.reload_if_changed()
            return {status: status_text(), rebuild_button: gr.update(interactive=not engine.rebuilding)}

        private: dict[str, Any] = {"api_visibility": "private"}
        asking = [question, chat, turns, previous_query, municipality, role, kind, document]
        answered = [
            chat,
            question,
            previous_query,
            undo_query,
            sources,
            cited,
            turns,
            transcript_text,
            download,
            context_row,
            context_text,
        ]
        for trigger in (question.submit, send.click):
            trigger(respond, asking, answered, **private).then(None, js=AFTER_REPLY_JS, **private)
        for button in example_buttons:
            button.click(
                ask_example(button.value), [chat, turns, municipality, role, kind, document], answered, **private
            ).then(None, js=AFTER_REPLY_JS, **private)
        clear_filters.click(
            forget_filters,
            [undo_query],
            [previous_query, municipality, role, kind, document, context_row, context_text],
            **private,
        )
        new_chat.click(reset, None, answered, **private).then(None, js=RESET_JS, **private)
        chat.clear(reset, None, answered, **private).then(None, js=RESET_JS, **private)
        download.click(None, [transcript_text], None, js=DOWNLOAD_JS, **private)
        rebuild_button.click(start_rebuild, None, [rebuild_button, note], **private).then(
            rebuild,
            None,
            [status, note, rebuild_button],
            concurrency_limit=1,
            concurrency_id="rebuild",
            show_progress="hidden",
            **private,
        )
        timer.tick(refresh, None, [status, rebuild_button], show_progress="hidden", **private)
        app.load(refresh, None, [status, rebuild_button], show_progress="hidden", **private)

        def ask(
            question: str,
            municipality: str = "",
            role: str = "",
            kind: str = "",
            top_k: int = 8,
            document: str = "",
        ) -> dict[str, Any]:
            """Ask the report a question in Swedish.

            Returns the reply as Markdown and the ranked passages with citations.
            Empty filters mean any municipality, role, kind and document.
            """
            engine.reload_if_changed()  # API clients see a rebuild made elsewhere without a page open
            try:
                reply = engine.ask(
                    question,
                    top_k=_whole_number(top_k),
                    filters=Filters(municipality or None, role or None, kind or None, document or None),
                )
            except Exception as error:
                doing = f"answering {str(question)[:200]!r} through the API"
                return {"question": str(question)[:500], "error": user_message(error, doing)}
            return reply.answer.to_dict()

        gr.api(ask, api_name="ask")
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
        theme=_theme(),
        css=CSS,
        js=ON_LOAD_JS,
        i18n=gr.I18n(en=UI_STRINGS, sv=UI_STRINGS),
        max_file_size=MAX_DOCUMENT_BYTES,
    )
    if block:
        print(f"Rapportassistenten körs på http://{host}:{port}/ – avsluta med Ctrl+C.", flush=True)
        app.block_thread()
    return app
