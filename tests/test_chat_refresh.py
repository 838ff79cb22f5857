"""The chat's page lists follow the corpus: filled on every page load and after the engine loads another build."""

from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr
import pytest
from conftest import CORPUS, FakeEmbedder

from assistant.engine import Engine
from assistant.interfaces.chat import ChatEvents
from assistant.interfaces.page import lay_out

PLAN = "# Handlingsplan för jämställdhet i Testby\n\nKommunen tog fram en handlingsplan med mål för förskolan.\n"


@pytest.fixture
def events(tmp_path: Path, fake_embedder: FakeEmbedder) -> ChatEvents:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus / "rapport.txt")
    engine = Engine(corpus, tmp_path / "index", fake_embedder)
    with gr.Blocks():
        page = lay_out(engine)
    return ChatEvents(engine, page)


def test_a_page_load_fills_the_document_lists_from_the_corpus_on_disk(events: ChatEvents) -> None:
    page = events.page
    (events.engine.corpus_dir / "handlingsplan.md").write_text(PLAN, encoding="utf-8")  # as `corpus add` would
    shown = events.refresh(None)
    assert "handlingsplan.md" in shown[page.documents.listing]
    assert shown[page.documents.removal]["choices"] == ["handlingsplan.md", "rapport.txt"]
    assert "value" not in shown[page.documents.removal], "a load must not undo the user's choice"
    assert shown[page.shown_index] == str(events.engine.retriever.index.path)


def test_the_lists_are_refilled_only_when_the_engine_has_another_build(events: ChatEvents) -> None:
    page = events.page
    first = events.refresh(None)[page.shown_index]
    assert set(events.refresh(first)) == {page.status, page.rebuild_button}
    (events.engine.corpus_dir / "handlingsplan.md").write_text(PLAN, encoding="utf-8")
    events.engine.rebuild()  # an upload in another tab
    again = events.refresh(first)
    assert "Handlingsplan för jämställdhet i Testby" in again[page.documents.listing]
    titles = [label for label, _ in again[page.document]["choices"]]
    assert "Handlingsplan för jämställdhet i Testby" in titles
    assert again[page.shown_index] != first


def test_the_kind_filter_shows_capitalised_labels_and_sends_the_kinds_own_names(events: ChatEvents) -> None:
    choices = events.page.kind.choices
    assert choices[0] == ("Alla", "Alla")
    assert {label: value for label, value in choices[1:]} == {"Citat": "citat", "Tips": "tips", "Stycke": "stycke"}
