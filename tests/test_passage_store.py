"""The index's passages by column and its vectors read by row: the same passages, filters and rows as before."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, FakeEmbedder

from assistant.documents.corpus import load_corpus
from assistant.documents.passages import Passage
from assistant.search.build import build_index, ensure_index
from assistant.search.index import current_build, load_index
from assistant.search.manifest import FORMAT_VERSION
from assistant.search.passage_store import PassageStore, Strings, write_passages
from assistant.search.retrieve import DEFAULT_KINDS, Filters, Retriever
from assistant.search.vector_file import VectorFile


@pytest.fixture(scope="module")
def report() -> list[Passage]:
    return load_corpus(CORPUS).passages


@pytest.fixture(scope="module")
def store(report: list[Passage], tmp_path_factory: pytest.TempPathFactory) -> PassageStore:
    directory = tmp_path_factory.mktemp("store") / "passages"
    write_passages(directory, report)
    return PassageStore(directory)


def test_passages_come_back_as_written(report: list[Passage], store: PassageStore) -> None:
    assert len(store) == len(report)
    assert list(store) == report
    assert store[-1] == report[-1] and store[3:6] == report[3:6]
    assert any(p.footnotes for p in store) and any(p.page is None for p in store) is any(p.page is None for p in report)
    with pytest.raises(IndexError):
        store[len(report)]


def test_columns_answer_without_passage_objects(report: list[Passage], store: PassageStore) -> None:
    towns = list(dict.fromkeys(p.municipality for p in report if p.municipality))
    assert store.values("municipality") == towns
    assert store.column("role", "").tolist() == [p.role or "" for p in report]
    assert store.having("kind", ["quote", "tip"]).tolist() == [p.kind in ("quote", "tip") for p in report]
    assert not store.having("role", ["Ingen sådan roll"]).any()
    pairs = list(dict.fromkeys((p.document, p.municipality) for p in report if p.municipality))
    assert store.firsts("municipality", by="document") == pairs


@pytest.mark.parametrize("needle", ["Kalix", "kommun", "ä", "Haparanda", "", "finns inte någonstans"])
def test_texts_containing_match_a_substring_test(report: list[Passage], store: PassageStore, needle: str) -> None:
    assert store.texts.containing(needle).tolist() == [needle in p.text for p in report]


def test_a_match_across_two_texts_does_not_count(tmp_path: Path) -> None:
    Strings.write(tmp_path / "s.bin", ["abc", "aab", "", "bcaa", "aa"])
    strings = Strings(tmp_path / "s.bin")
    assert [strings[i] for i in range(len(strings))] == ["abc", "aab", "", "bcaa", "aa"]
    assert strings.containing("ca").tolist() == [False, False, False, True, False]
    assert strings.containing("aa").tolist() == [False, True, False, True, True]
    assert strings.containing("cb").tolist() == [False] * 5


def test_filters_match_a_test_of_every_passage(fake_retriever: Retriever) -> None:
    passages = list(fake_retriever.index.passages)
    for filters in (
        Filters(),
        Filters(municipality="Kalix"),
        Filters(municipality="Gällivare", kind="citat"),
        Filters(role="Politiker"),
        Filters(kind="fotnot"),
        Filters(document="rapport", role="Verksamhetsföreträdare"),
    ):
        chosen = fake_retriever.normalise(filters)
        expected = [
            (p.kind == chosen.kind if chosen.kind else p.kind in DEFAULT_KINDS)
            and (chosen.role is None or p.role == chosen.role)
            and (chosen.municipality is None or p.municipality == chosen.municipality or chosen.municipality in p.text)
            and (chosen.document is None or p.document == chosen.document)
            for p in passages
        ]
        assert fake_retriever.allowed_mask(chosen).tolist() == expected


def test_vector_rows_read_in_any_order(tmp_path: Path) -> None:
    matrix = np.random.default_rng(0).standard_normal((50, 8)).astype(np.float32)
    np.save(tmp_path / "m.npy", matrix)
    rows = VectorFile(tmp_path / "m.npy")
    assert rows.shape == (50, 8) and len(rows) == 50 and rows.nbytes == matrix.nbytes
    for wanted in ([3, 4, 5, 9, 10, 2, 49], [7], [], [0, 0, 1]):
        assert np.array_equal(rows[np.array(wanted, dtype=np.int64)], matrix[wanted])
    assert np.array_equal(rows[10:20], matrix[10:20]) and np.array_equal(rows[::7], matrix[::7])
    assert np.array_equal(np.asarray(rows), matrix)
    with pytest.raises(IndexError):
        rows[np.array([50])]


def test_an_index_of_the_previous_format_is_rebuilt(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    index = tmp_path / "index"
    build_index(CORPUS, index, fake_embedder)
    build = current_build(index)
    assert build is not None
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    (build / "manifest.json").write_text(json.dumps(manifest | {"format": FORMAT_VERSION - 1}), encoding="utf-8")
    loaded, reason = ensure_index(index, CORPUS, fake_embedder)
    assert reason is not None and "äldre format" in reason
    assert len(load_index(index).passages) == len(loaded.passages) == 65
