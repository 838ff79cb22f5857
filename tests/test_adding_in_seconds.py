"""Adding a document: searchable once its passages are embedded, its sentences completed in the background."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, FakeEmbedder, HeldEmbedder

from assistant.documents import corpus as corpus_module
from assistant.documents import library
from assistant.engine import Engine
from assistant.reply.render import to_plain
from assistant.search.build import build_index, complete_sentences
from assistant.search.index import current_build, load_index
from assistant.search.units import sentence_units
from assistant.search.vector_cache import DIRECTORY

BATH = """# Badhuset i Tobisvik

Det nya badhuset i Tobisvik kostar 22 miljoner kronor att bygga. Simhallen öppnar för allmänheten år 2028.
Kommunen betalar driften av bassängerna. Föreningarna får träna där på kvällarna.
"""


@pytest.fixture
def bath(tmp_path: Path) -> Path:
    path = tmp_path / "upload" / "badhus.md"
    path.parent.mkdir()
    path.write_text(BATH, encoding="utf-8")
    return path


def _engine(tmp_path: Path, embedder: FakeEmbedder) -> Engine:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return Engine(corpus, tmp_path / "index", embedder)


def _bath_sentences(index_dir: Path) -> tuple[np.ndarray, list[str]]:
    """The sentence vectors of the added document's sentences in the current build, and their texts."""
    index = load_index(index_dir)
    units = sentence_units(list(index.passages))
    rows = [row for row, owner in enumerate(units.owner.tolist()) if index.passages[owner].document == "badhus"]
    return index.sentence_vectors[np.array(rows)], [units.texts[row] for row in rows]


def test_an_added_document_answers_at_once_and_gets_its_sentence_vectors_in_the_background(
    tmp_path: Path, bath: Path
) -> None:
    embedder = HeldEmbedder()
    engine = _engine(tmp_path, embedder)

    change = engine.add_documents([bath])

    assert change.build is not None and change.build.pending == 4  # the new sentences, none of the report's
    assert engine.pending_sentences == 4 and engine.completing
    reply = engine.ask("Vad kostar badhuset i Tobisvik?")
    assert reply.answer.hits[0].passage.document == "badhus"
    assert "22 miljoner kronor" in to_plain(reply.answer.reply)
    vectors, texts = _bath_sentences(engine.index_dir)
    assert not np.allclose(vectors, embedder.encode_passages(texts))  # still their passage's vector

    embedder.release.set()
    engine.wait_for_sentences()

    assert engine.pending_sentences == 0 and not engine.completing
    assert engine.retriever.index.path == current_build(engine.index_dir)
    vectors, texts = _bath_sentences(engine.index_dir)
    assert np.allclose(vectors, embedder.encode_passages(texts), atol=1e-6)
    assert engine.ask("Vad kostar badhuset i Tobisvik?").answer.hits[0].passage.document == "badhus"


def test_a_restored_document_answers_before_its_sentences_are_embedded_again(tmp_path: Path, bath: Path) -> None:
    """Restored after its vectors left the cache ("Ångra" long after a removal): searchable at once, as an added
    document is, not after every sentence is embedded again."""
    embedder = HeldEmbedder()
    engine = _engine(tmp_path, embedder)
    engine.add_documents([bath])
    embedder.release.set()
    engine.wait_for_sentences()
    engine.remove_document(bath.name)
    shutil.rmtree(engine.index_dir / DIRECTORY)
    embedder.release.clear()

    change = engine.restore_document(bath.name)

    assert change.build is not None and change.build.pending > 0 and engine.completing
    assert engine.ask("Vad kostar badhuset i Tobisvik?").answer.hits[0].passage.document == "badhus"
    embedder.release.set()
    engine.wait_for_sentences()
    assert engine.pending_sentences == 0


def test_a_failed_completion_leaves_the_index_serving_with_passage_vectors(tmp_path: Path, bath: Path) -> None:
    embedder = HeldEmbedder()
    embedder.fail = True
    engine = _engine(tmp_path, embedder)

    engine.add_documents([bath])
    engine.wait_for_sentences()

    assert load_index(engine.index_dir).manifest.pending_sentences == 4
    assert engine.ask("Vad kostar badhuset i Tobisvik?").answer.hits[0].passage.document == "badhus"
    assert [p.name for p in (engine.index_dir / "builds").iterdir() if p.name.startswith(".")] == []


def test_a_completion_overtaken_by_a_newer_build_does_not_switch(tmp_path: Path, bath: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    embedder = FakeEmbedder()
    shutil.copy(bath, corpus / bath.name)
    assert build_index(corpus, index, embedder, sentences_later=True).pending > 0  # an empty cache: all

    newer = build_index(corpus, index, embedder)  # say ``index rebuild`` in another process
    assert complete_sentences(index, embedder) is None
    assert current_build(index) == newer.path.resolve()


def test_each_document_is_read_once_per_upload(tmp_path: Path, bath: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    parse = corpus_module.parse_document

    def counted(name: str, data: bytes, title: str | None = None, file_name: str = "") -> corpus_module.ParsedDocument:
        read.append(name)
        return parse(name, data, title, file_name)

    monkeypatch.setattr(corpus_module, "parse_document", counted)
    monkeypatch.setattr(library, "parse_document", counted)
    engine = _engine(tmp_path, FakeEmbedder())
    read.clear()

    engine.add_documents([bath])
    engine.wait_for_sentences()
    second = bath.with_name("badhus2.md")
    second.write_text(BATH.replace("Tobisvik", "Strömsund"), encoding="utf-8")
    engine.add_documents([second])
    engine.wait_for_sentences()  # no thread outlives its test

    assert read == ["badhus", "badhus2"]  # the report was read when the engine built its index


def test_an_upload_reports_its_steps(tmp_path: Path, bath: Path) -> None:
    engine = _engine(tmp_path, FakeEmbedder())
    steps: list[tuple[float, str]] = []

    engine.add_documents([bath], lambda done, what: steps.append((done, what)))
    engine.wait_for_sentences()

    assert steps == [(0.0, "Läser badhus.md"), (0.5, "Indexerar")]  # no paths, no vector counts


def test_the_chat_says_that_sentences_are_being_completed(tmp_path: Path, bath: Path) -> None:
    from assistant.interfaces.documents_panel import change_message
    from assistant.interfaces.page import status_text

    embedder = HeldEmbedder()
    engine = _engine(tmp_path, embedder)
    change = engine.add_documents([bath])

    message = change_message(change)
    assert "Sökbart nu. Om en stund blir sökningen i de nya dokumenten ännu träffsäkrare" in message
    assert "4 meningar läses in i bakgrunden." in status_text(engine)
    assert not any(word in message + status_text(engine) for word in ("vektor", "cache"))
    embedder.release.set()
    engine.wait_for_sentences()
    assert "bakgrunden" not in status_text(engine)


def test_documents_read_are_kept_only_up_to_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus_module.ParsedDocuments, "LIMIT", 3)
    known = corpus_module.ParsedDocuments()
    document = corpus_module.parse_document("badhus", BATH.encode())  # one passage
    for number in range(4):
        known.put(f"d{number}", "sha", None, document)

    assert [known.get(f"d{number}", "sha", None) is document for number in range(4)] == [True, True, True, False]
    known.keep({"d1"})
    assert known.get("d0", "sha", None) is None and known.get("d1", "sha", None) is document
