"""The chat's page viewer: a picker of the last reply's PDF sources and the chosen one's page, rendered with the
passage highlighted.  Which file a source is comes from the loaded index's manifest, not from the disk."""

from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from assistant.documents.pages import render_passage_page
from assistant.documents.passages import Passage
from assistant.engine import Engine
from assistant.errors import user_message


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
        if path is None or not path.is_file():
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
    """The corpus PDF a passage's document key names, if the loaded index read that document as a PDF."""
    for summary in engine.documents():
        if summary.document == document and summary.format == "pdf":
            return engine.corpus_dir / summary.name
    return None
