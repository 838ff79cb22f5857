"""The retriever's parts, each on its own: the top-k cut, filter values, the methods, the adapter, the dense score.

Found by breaking ``search/retrieve.py`` on purpose: each test here fails for a change that every other fast
test let through (docs/architecture.md, "Developing").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, FakeEmbedder

from assistant.engine import learned_values
from assistant.search.build import build_index
from assistant.search.features import PASSAGE_VECTOR_WEIGHT
from assistant.search.index import load_index
from assistant.search.query import Query
from assistant.search.retrieve import Filters, Retriever, _top

QUESTION = "Hur följer man upp jämställdhetsarbetet i Kalix?"


def test_the_top_k_are_the_best_positive_scores_best_first() -> None:
    scores = np.array([0.0, 3.0, 1.0, 0.0, 2.0, -1.0])
    assert _top(scores, 10).tolist() == [1, 4, 2]  # nothing at zero or below
    assert _top(scores, 2).tolist() == [1, 4]


def test_ties_at_the_cut_go_to_the_earlier_position() -> None:
    assert _top(np.array([1.0, 2.0, 2.0, 2.0, 0.5]), 2).tolist() == [1, 2]


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_filter_value_means_any(fake_retriever: Retriever, blank: str) -> None:
    assert fake_retriever.normalise(Filters(municipality=blank, role=blank, kind=blank, document=blank)) == Filters()


def test_each_method_ranks_by_its_own_score(fake_retriever: Retriever) -> None:
    dense = fake_retriever.search(QUESTION, k=5, method="dense")
    bm25 = fake_retriever.search(QUESTION, k=5, method="bm25")
    assert [h.score for h in dense] == [h.dense for h in dense] == sorted((h.dense for h in dense), reverse=True)
    assert [h.score for h in bm25] == [h.lexical for h in bm25] == sorted((h.lexical for h in bm25), reverse=True)
    assert [h.passage.id for h in dense] != [h.passage.id for h in bm25]


def test_the_best_of_one_kind_are_of_that_kind(fake_retriever: Retriever) -> None:
    ranking = fake_retriever.rank(QUESTION)
    tips = ranking.top(3, kind="tip")
    assert len(tips) == 3 and {h.passage.kind for h in tips} == {"tip"}
    best_tips = [h.passage.id for h in ranking.top(len(ranking.score)) if h.passage.kind == "tip"][:3]
    assert [h.passage.id for h in tips] == best_tips


def test_the_dense_score_mixes_the_passage_and_its_best_sentence(fake_retriever: Retriever) -> None:
    found = fake_retriever.candidates(Query.plain(QUESTION))
    best = np.array([s.max() for s in found.sentences])
    assert not np.allclose(best, found.passage_cos), "no sentence differs from its passage: the mix tests nothing"
    expected = PASSAGE_VECTOR_WEIGHT * found.passage_cos + (1 - PASSAGE_VECTOR_WEIGHT) * best
    np.testing.assert_allclose(found.dense, expected, rtol=1e-6)


def test_the_adapted_query_vector_stays_normalised(fake_retriever: Retriever) -> None:
    dimension = fake_retriever.encode(QUESTION).shape[1]
    adapter = np.eye(dimension, dtype=np.float32) * 3 + np.float32(0.01)
    adapted = Retriever(fake_retriever.index, fake_retriever.embedder, fake_retriever.ranker, adapter)
    vector = adapted.encode(QUESTION)
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)
    assert not np.allclose(vector, fake_retriever.encode(QUESTION), atol=1e-4), "the adapter changed nothing"


def test_a_document_filter_keeps_to_that_document(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rapport.txt").write_bytes((CORPUS / "rapport.txt").read_bytes())
    (corpus / "plan.txt").write_text(
        "Jämställdhetsplan för Kalix\n\nUppföljning av jämställdhetsarbetet sker varje år i Kalix kommun.\n\n"
        "Kommunen följer upp arbetet med jämställdhet i skolan och i förskolan.\n",
        encoding="utf-8",
    )
    build_index(corpus, tmp_path / "index", fake_embedder)
    retriever = Retriever(load_index(tmp_path / "index"), fake_embedder, learned_values().ranker)
    everywhere = retriever.search(QUESTION, k=10)
    assert {h.passage.document for h in everywhere} == {"rapport", "plan"}
    for document in ("rapport", "plan"):
        hits = retriever.search(QUESTION, k=10, filters=Filters(document=document))
        assert hits and {h.passage.document for h in hits} == {document}
