"""The Gradio chat: questions in, the report's own words out, with a sources panel.

Public API: one documented endpoint, ``/ask`` (usable with ``gradio_client``).
The chat's own events and the rebuild action are private: not listed and not
callable as API endpoints.
"""

from __future__ import annotations

import html
import logging
import re
import socket
from typing import Any

import gradio as gr

from assistant.documents.passages import KIND_LABELS
from assistant.engine import Engine
from assistant.errors import INTERNAL_ERROR, AssistantError, BusyError, InputError
from assistant.interfaces.documents_panel import ALL_DOCUMENTS, document_choices, documents_panel, page_viewer
from assistant.reply.answer import Answer, escape
from assistant.search.lexical import tokenize
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
CITATION = re.compile(r"(?<!\\)\[(\d+)\]")
WORD = re.compile(r"[^\W_]+")
CSS = """
.gradio-container { max-width: 1200px !important; margin: auto; }
#title h1 { margin-bottom: 0; }
.source { border-left: 4px solid var(--color-accent); padding: 0.4em 0.8em; margin: 0 0 1em 0;
          background: var(--block-background-fill); border-radius: 4px; scroll-margin-top: 1em; }
.source:target { outline: 2px solid var(--color-accent); }
.source-head { font-weight: 600; font-size: 0.9em; }
.source-text { margin: 0.4em 0 0 0; line-height: 1.5; }
.source mark { background: #fde68a; color: inherit; padding: 0 1px; }
"""


def mark_words(text: str, query: str) -> str:
    """HTML-escaped text with the words that match the query (by BM25 token) in <mark>."""
    wanted = set(tokenize(query))
    out, last = [], 0
    for match in WORD.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        word = match.group(0)
        tokens = tokenize(word)
        out.append(f"<mark>{html.escape(word)}</mark>" if tokens and tokens[0] in wanted else html.escape(word))
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def sources_html(answer: Answer, query: str) -> str:
    """Every cited passage whole, with section, page and speaker, matched words marked."""
    if not answer.cited:
        return "<p>Inga källor ännu. Ställ en fråga så visas de citerade styckena här.</p>"
    blocks = []
    for number, hit in enumerate(answer.cited, start=1):
        p = hit.passage
        blocks.append(
            f'<div class="source" id="kalla-{number}">'
            f'<div class="source-head">[{number}] {html.escape(p.citation)}'
            f' <span class="kind">({KIND_LABELS[p.kind]})</span></div>'
            f'<p class="source-text">{mark_words(p.text, query)}</p></div>'
        )
    return "\n".join(blocks)


def linked_citations(markdown: str) -> str:
    """Turn [n] into links that jump to source n in the sources panel."""
    return CITATION.sub(r"[[\1]](#kalla-\1)", markdown)


def _filters(municipality: str | None, role: str | None, kind: str | None, document: str | None = None) -> Filters:
    def value(choice: str | None) -> str | None:
        return None if not choice or choice in (ALL, ALL_DOCUMENTS) else choice

    return Filters(municipality=value(municipality), role=value(role), kind=value(kind), document=value(document))


def _with_notice(history: list[dict], message: str, notice: str) -> list[dict]:
    """The conversation with the user's message and a warning in reply."""
    return [
        *history,
        {"role": "user", "content": escape(str(message)[:500])},
        {"role": "assistant", "content": f"⚠️ {notice}"},
    ]


def build_app(engine: Engine) -> gr.Blocks:
    """The Blocks app for one engine."""
    passages = engine.retriever.index.passages
    municipalities = [ALL, *sorted({p.municipality for p in passages if p.municipality})]
    roles = [ALL, *sorted({p.role for p in passages if p.role})]
    kinds = [ALL, *[KIND_LABELS[k] for k in DEFAULT_KINDS]]
    documents = document_choices({p.document: p.title or p.document for p in passages})

    def respond(
        message: str,
        history: list[dict],
        previous_query: str | None,
        municipality: str,
        role: str,
        kind: str,
        document: str,
    ) -> tuple[list[dict], str, str | None, str, Any]:
        history = list(history or [])
        filters = _filters(municipality, role, kind, document)
        try:
            reply = engine.ask(message, filters=filters, previous_query=previous_query)
        except AssistantError as error:
            return _with_notice(history, message, str(error)), "", previous_query, gr.skip(), gr.skip()
        except Exception:
            log.exception("Internal error while answering %r", str(message)[:200])
            return _with_notice(history, message, INTERNAL_ERROR), "", previous_query, gr.skip(), gr.skip()
        history += [
            {"role": "user", "content": escape(reply.answer.question)},
            {"role": "assistant", "content": linked_citations(reply.answer.markdown)},
        ]
        cited = [hit.passage.to_dict() for hit in reply.answer.cited]
        return history, "", reply.query, sources_html(reply.answer, reply.query), cited

    def clear() -> tuple[list, None, str, list]:
        return [], None, sources_html(Answer("", False, "", [], []), ""), []

    def rebuild() -> str:
        try:
            report = engine.rebuild()
        except BusyError as error:
            return f"⚠️ {error}"
        except AssistantError as error:
            log.warning("Rebuild from the chat failed: %s", error)
            return f"⚠️ Omindexeringen misslyckades: {error}"
        skipped = f" Hoppade över: {', '.join(report.skipped)}." if report.skipped else ""
        return f"✅ Indexet byggdes om: {report.passages} stycken på {report.seconds:.1f} s.{skipped}"

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
        try:
            reply = engine.ask(
                question,
                top_k=int(top_k),
                filters=Filters(municipality or None, role or None, kind or None, document or None),
            )
        except AssistantError as error:
            return {"question": str(question)[:500], "error": str(error)}
        return reply.answer.to_dict()

    with gr.Blocks(title="Rapportassistenten") as app:
        gr.Markdown(
            "# Rapportassistenten\n"
            "Fråga om rapporten *På väg mot jämställda och attraktiva kommuner* (Norrbottens Kommuner). "
            "Svaren är rapportens egna ord: citat med vem som sa dem, tips och stycken – "
            "alltid med källa (avsnitt, sida).",
            elem_id="title",
        )
        previous_query = gr.State(None)
        cited = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chat = gr.Chatbot(
                    label="Samtal",
                    height=560,
                    elem_id="chat",
                    buttons=["copy"],
                    placeholder="Ställ en fråga om rapporten, t.ex. ”Vad gjorde Kalix?”",
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
                gr.Examples(EXAMPLES, inputs=question, label="Exempel på frågor")
                new_chat = gr.Button("Nytt samtal", variant="secondary", size="sm")
            with gr.Column(scale=2, min_width=280):
                with gr.Accordion("Filter", open=False):
                    municipality = gr.Dropdown(municipalities, value=ALL, label="Kommun")
                    role = gr.Dropdown(roles, value=ALL, label="Roll (citat)")
                    kind = gr.Dropdown(kinds, value=ALL, label="Typ")
                    document = gr.Dropdown(documents, value=ALL_DOCUMENTS, label="Dokument", elem_id="document-filter")
                with gr.Accordion("Index", open=False):
                    status = gr.Markdown(f"{len(passages)} stycken, byggt {engine.retriever.index.manifest.built_at}.")
                    rebuild_button = gr.Button("Bygg om indexet", size="sm", elem_id="rebuild")
                documents_panel(engine, document)
                gr.Markdown("### Källor")
                sources = gr.HTML(sources_html(Answer("", False, "", [], []), ""), elem_id="sources")
                page_viewer(engine, cited)

        inputs = [question, chat, previous_query, municipality, role, kind, document]
        outputs = [chat, question, previous_query, sources, cited]
        question.submit(respond, inputs, outputs, api_visibility="private")
        send.click(respond, inputs, outputs, api_visibility="private")
        new_chat.click(clear, None, [chat, previous_query, sources, cited], api_visibility="private")
        rebuild_button.click(
            rebuild, None, status, api_visibility="private", concurrency_limit=1, concurrency_id="rebuild"
        )
        gr.api(ask, api_name="ask")
    return app


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
    """Launch the chat; listens on loopback unless another host is asked for."""
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
        prevent_thread_lock=not block,
        show_error=False,
        quiet=not block,
        footer_links=["api"],
        theme=gr.themes.Soft(primary_hue="teal"),
        css=CSS,
    )
    return app
