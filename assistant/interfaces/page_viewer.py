"""The chat's page viewer: the page of the last reply's cited PDF sources, rendered with the passage highlighted.

It opens on the first cited source that is a PDF page; the picker chooses another, and so does a click on a
citation [n] in the reply (``on_load.js`` writes its number into a hidden box).  A page is rendered only while the
viewer is open (or a citation is clicked): rendering reads the whole PDF, too much to do after every reply.
Which file a source is comes from the loaded index's manifest, not from the disk.
"""

from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from assistant.documents.pages import render_passage_page
from assistant.documents.passages import Passage
from assistant.engine import Engine
from assistant.errors import user_message
from assistant.interfaces.event_options import QUIET

BEFORE_ASKING = "Ställ en fråga, så visas här sidan där svarets första källa står."
NO_PDF = "Svarets källor har ingen PDF-sida att visa; deras text står under Källor."


def page_viewer(engine: Engine, cited: gr.State) -> None:
    """The picker of the last reply's PDF sources, the chosen one's page and a line naming it."""
    viewing = gr.State(False)  # whether this page's viewer is open: a closed one renders nothing
    with gr.Accordion("Sidan i dokumentet", open=False, elem_id="page-view") as viewer:
        source = gr.Dropdown([], value=None, label="Källa (PDF)", visible=False, elem_id="page-source")
        image = gr.Image(
            show_label=False, type="pil", interactive=False, visible=False, elem_id="page-image", buttons=["download"]
        )
        note = gr.Markdown(BEFORE_ASKING, elem_id="page-note")
        picked = gr.Textbox(visible="hidden", elem_id="page-pick")  # "n …": the citation [n] clicked last

    def choices(passages: list[dict] | None, open_now: bool) -> tuple:
        options = [
            (f"[{number}] {p['citation']}", str(number - 1))
            for number, p in enumerate(passages or [], start=1)
            if _pdf_file(engine, p["document"]) is not None and p.get("page") is not None
        ]
        if not options:
            hidden = gr.update(choices=[], value=None, visible=False)
            return hidden, gr.update(value=None, visible=False), NO_PDF if passages else BEFORE_ASKING
        first = options[0][1]
        image, note = show(first, passages) if open_now else (None, "")  # rendered when the viewer opens
        return gr.update(choices=options, value=first, visible=True), gr.update(value=image, visible=True), note

    def opened(position: str | None, passages: list[dict] | None) -> tuple:
        if position is None:
            return True, gr.update(), gr.update()  # no PDF page among the sources: the note says so already
        return True, *show(position, passages)

    def pick(clicked: str, passages: list[dict] | None) -> tuple:
        words = (clicked or "").split()
        position = int(words[0]) - 1 if words and words[0].isdigit() else -1
        unchanged = gr.update(), gr.update(), gr.update()
        if not passages or not 0 <= position < len(passages):
            return unchanged
        passage = passages[position]
        if _pdf_file(engine, passage["document"]) is None or passage.get("page") is None:
            return unchanged  # a citation of a text source: the viewer stays on its page
        return str(position), *show(str(position), passages)

    def show(position: str | None, passages: list[dict] | None) -> tuple:
        if position is None or not passages or int(position) >= len(passages):
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

    cited.change(choices, [cited, viewing], [source, image, note], **QUIET)
    viewer.expand(opened, [source, cited], [viewing, image, note], **QUIET)
    viewer.collapse(lambda: False, None, viewing, **QUIET)
    picked.change(pick, [picked, cited], [source, image, note], **QUIET)
    source.input(show, [source, cited], [image, note], **QUIET)


def _pdf_file(engine: Engine, document: str) -> Path | None:
    """The corpus PDF a passage's document key names, if the loaded index read that document as a PDF."""
    for summary in engine.documents():
        if summary.document == document and summary.format == "pdf":
            return engine.corpus_dir / summary.name
    return None
