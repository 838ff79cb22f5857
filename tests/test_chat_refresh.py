"""The chat's page lists follow the loaded index: filled on every page load and after the engine loads another
build, from the index (never by parsing the corpus), so the documents panel and the filters always agree."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
from conftest import CORPUS, FakeEmbedder, HeldEmbedder

from assistant.engine import Engine
from assistant.interfaces.accounts import Access
from assistant.interfaces.chat_events import ChatEvents
from assistant.interfaces.page import lay_out

PLAN = "# Handlingsplan för jämställdhet i Testby\n\nKommunen tog fram en handlingsplan med mål för förskolan.\n"
EDITOR = Access(None, "editor")


@pytest.fixture
def events(tmp_path: Path, fake_embedder: FakeEmbedder) -> ChatEvents:
    return _events(tmp_path, fake_embedder)


def _events(tmp_path: Path, embedder: FakeEmbedder) -> ChatEvents:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("rapport.txt", "README.md"):  # the README gives the report its title
        shutil.copy(CORPUS / name, corpus / name)
    engine = Engine(corpus, tmp_path / "index", embedder)
    with gr.Blocks():
        page = lay_out(engine, EDITOR)
    return ChatEvents(engine, page, EDITOR)


def test_a_page_load_fills_the_lists_from_the_loaded_index_not_the_disk(
    events: ChatEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = events.page
    (events.engine.corpus_dir / "handlingsplan.md").write_text(PLAN, encoding="utf-8")  # on disk, not indexed

    def no_parsing(*args: object) -> None:
        raise AssertionError("a page load parsed a document")

    monkeypatch.setattr("assistant.documents.corpus.parse_document", no_parsing)
    monkeypatch.setattr("assistant.documents.corpus.load_corpus", no_parsing)
    shown = events.refresh(None)
    assert "rapport.txt" in shown[page.documents.listing]
    assert "handlingsplan.md" not in shown[page.documents.listing]
    assert [value for _, value in shown[page.documents.removal]["choices"]] == ["rapport.txt"]
    assert "value" not in shown[page.documents.removal], "a load must not undo the user's choice"
    assert shown[page.shown_index] == str(events.engine.retriever.index.path)
    assert "Kalix" in shown[page.municipality]["choices"]
    assert "*På väg mot jämställda och attraktiva kommuner*" in shown[page.title]


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
    assert "dokumenten *Handlingsplan för jämställdhet i Testby* och" in again[page.title]
    assert again[page.shown_index] != first


def test_after_a_failed_rebuild_the_panel_and_the_filter_show_the_index_that_answers(
    events: ChatEvents, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = events.page
    plan = tmp_path / "handlingsplan.md"
    plan.write_text(PLAN, encoding="utf-8")

    def failing(**_: object) -> None:
        from assistant.errors import IndexUnavailable

        raise IndexUnavailable("Disken är full.")

    monkeypatch.setattr("assistant.engine.build_index", lambda *a, **k: failing())
    change = events.engine.add_documents([plan])
    assert change.build_error == "Disken är full."
    shown = events.refresh(None)
    listed = [value for _, value in shown[page.documents.removal]["choices"]]
    filtered = [value for _, value in shown[page.document]["choices"][1:]]
    assert listed == ["rapport.txt"] and filtered == ["rapport"]


def test_the_kind_filter_shows_capitalised_labels_and_sends_the_kinds_own_names(events: ChatEvents) -> None:
    choices = events.page.kind.choices
    assert choices[0] == ("Alla", "Alla")
    assert {label: value for label, value in choices[1:]} == {"Citat": "citat", "Tips": "tips", "Stycke": "stycke"}


def test_editors_controls_are_shown_to_editors_only(events: ChatEvents) -> None:
    page = events.page

    request = SimpleNamespace(username="lisa", headers={})
    assert events.show_controls(request)[page.documents.editing]["visible"] is True
    events.access = Access(None, "reader")
    assert events.show_controls(request)[page.documents.editing]["visible"] is False
    assert events.show_controls(request)[page.rebuild_button]["visible"] is False


def test_an_uploads_status_says_when_its_sentences_are_in(tmp_path: Path) -> None:
    from assistant.interfaces.documents_panel import change_message
    from assistant.interfaces.presentation import SENTENCES_DONE

    embedder = HeldEmbedder()  # the sentences wait until released
    events = _events(tmp_path, embedder)
    page = events.page
    first = events.refresh(None)[page.shown_index]
    plan = tmp_path / "handlingsplan.md"
    sentences = " ".join(f"Kommunen satte mål nummer {n} för förskolan och följde upp det." for n in range(6))
    plan.write_text(f"{PLAN}\n{sentences}\n", encoding="utf-8")
    message = change_message(events.engine.add_documents([plan]))
    assert "Sökbart nu." in message and events.engine.pending_sentences
    searchable = events.refresh(first, message)
    assert page.documents.status not in searchable  # still pending: left as the upload wrote it
    embedder.release.set()
    events.engine.wait_for_sentences()
    done = events.refresh(searchable[page.shown_index], message)[page.documents.status]
    assert "Sökbart nu." not in done and done.endswith(SENTENCES_DONE) and "Klart: Handlingsplan" in done
    assert page.documents.status not in events.refresh(None, done)  # settled: never written again
