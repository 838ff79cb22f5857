"""The vector cache: a rebuild embeds only texts it has not embedded before with the same model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from assistant.documents.corpus import load_corpus
from assistant.search.bridges import vector_words
from assistant.search.build import build_index
from assistant.search.index import load_index
from assistant.search.units import passage_text, sentence_units
from assistant.search.vector_cache import KEEP_BUILDS, VectorCache

REPORT = Path(__file__).resolve().parent.parent / "corpus" / "rapport.txt"


class CountingEmbedder:
    """A deterministic stand-in for the model that records what it was asked to embed."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(t), sum(map(ord, t)) % 997, 1.0] for t in texts], dtype=np.float32)


def test_only_unseen_texts_are_embedded_and_unused_ones_dropped_after_a_while(tmp_path: Path) -> None:
    embed = CountingEmbedder()
    first = VectorCache(tmp_path, "model-a", "passage: ")
    vectors = first.encode(["ett", "två", "ett"], embed)
    first.save()
    assert embed.calls == [["ett", "två"]] and (first.embedded, first.reused) == (2, 1)
    assert np.array_equal(vectors[0], vectors[2])

    second = VectorCache(tmp_path, "model-a", "passage: ")
    again = second.encode(["två", "tre"], embed)
    assert embed.calls[-1] == ["tre"] and (second.embedded, second.reused) == (1, 1)
    assert np.array_equal(again[0], vectors[1])
    second.save()
    assert set(VectorCache(tmp_path, "model-a", "passage: ").stored) == {second.key(t) for t in ("ett", "två", "tre")}

    def build_using_two_and_three() -> set[str]:
        later = VectorCache(tmp_path, "model-a", "passage: ")
        later.encode(["två", "tre"], embed)
        later.save()
        return set(VectorCache(tmp_path, "model-a", "passage: ").stored)

    for _ in range(KEEP_BUILDS - 1):  # "ett" unused in KEEP_BUILDS builds in all: still kept
        assert build_using_two_and_three() == {second.key(t) for t in ("ett", "två", "tre")}
    assert build_using_two_and_three() == {second.key("två"), second.key("tre")}
    assert embed.calls[-1] == ["tre"]  # nothing embedded since


def test_a_cache_written_before_ages_were_kept_is_read(tmp_path: Path) -> None:
    embed = CountingEmbedder()
    cache = VectorCache(tmp_path, "model-a", "")
    cache.path.parent.mkdir(parents=True)
    np.savez(cache.path, keys=np.array([cache.key("ett")], dtype="U64"), vectors=embed(["ett"]))
    older = VectorCache(tmp_path, "model-a", "")
    older.encode(["ett"], embed)
    assert older.embedded == 0 and older.ages == {cache.key("ett"): 0}


def test_completing_a_build_ages_nothing(tmp_path: Path) -> None:
    embed = CountingEmbedder()
    first = VectorCache(tmp_path, "model-a", "")
    first.encode(["ett"], embed)
    first.save()
    completion = VectorCache(tmp_path, "model-a", "")
    completion.save(a_build=False)
    assert VectorCache(tmp_path, "model-a", "").ages == {first.key("ett"): 0}


def test_serves_several_lists_in_one_build(tmp_path: Path) -> None:
    embed = CountingEmbedder()
    cache = VectorCache(tmp_path, "model-a", "")
    cache.encode(["stycke ett", "stycke två"], embed)
    cache.encode(["mening ett", "stycke två"], embed)
    cache.save()
    assert embed.calls == [["stycke ett", "stycke två"], ["mening ett"]]
    assert len(VectorCache(tmp_path, "model-a", "").stored) == 3


def test_another_model_or_prefix_does_not_share_vectors(tmp_path: Path) -> None:
    embed = CountingEmbedder()
    cache = VectorCache(tmp_path, "model-a", "passage: ")
    cache.encode(["ett"], embed)
    cache.save()
    for model, prefix in (("model-b", "passage: "), ("model-a", "")):
        other = VectorCache(tmp_path, model, prefix)
        other.encode(["ett"], embed)
        assert other.embedded == 1


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    embed = CountingEmbedder()
    cache = VectorCache(tmp_path, "model-a", "")
    cache.encode(["ett"], embed)
    cache.save()
    cache.path.write_bytes(b"not a numpy file")
    fresh = VectorCache(tmp_path, "model-a", "")
    fresh.encode(["ett"], embed)
    assert fresh.embedded == 1


def embedded_texts(corpus: Path) -> list[str]:
    """Every text a build embeds: each passage and each of its sentences, with context, and the words it bridges by."""
    passages = load_corpus(corpus).passages
    texts = [passage_text(p) for p in passages]
    return texts + sentence_units(passages).texts + vector_words(texts)


def test_rebuild_embeds_only_an_added_document(tmp_path: Path, embedder) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / "rapport.txt")
    first = build_index(corpus, index, embedder)
    texts = embedded_texts(corpus)
    assert (first.embedded, first.reused) == (len(set(texts)), len(texts) - len(set(texts)))
    vectors = np.load(first.path / "vectors.npy")

    unchanged = build_index(corpus, index, embedder)
    assert (unchanged.embedded, unchanged.reused) == (0, len(texts))
    assert np.allclose(np.load(unchanged.path / "vectors.npy"), vectors, atol=1e-6)

    (corpus / "riktlinjer.md").write_text("# Riktlinjer\n\nFölj upp varje år.\n\nRapportera till nämnden.\n")
    added = build_index(corpus, index, embedder)
    now = embedded_texts(corpus)
    new = len(set(now) - set(texts))  # two one-sentence passages (passage and sentence text coincide), new words
    assert (added.embedded, added.reused, added.passages) == (new, len(now) - new, 67)

    guidelines = (corpus / "riktlinjer.md").read_bytes()
    (corpus / "riktlinjer.md").unlink()
    removed = build_index(corpus, index, embedder)
    assert (removed.embedded, removed.passages) == (0, 65)
    assert {p.document for p in load_index(index).passages} == {"rapport"}

    (corpus / "riktlinjer.md").write_bytes(guidelines)  # restored from the trash: its vectors were kept
    restored = build_index(corpus, index, embedder)
    assert (restored.embedded, restored.passages) == (0, 67)
