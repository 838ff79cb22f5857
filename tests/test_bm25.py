"""BM25 scores read from bm25s's stored matrix agree with bm25s's own public scoring.

``search/bm25.py`` reads bm25s's internals (its compressed sparse score
columns) for speed; bm25s is pinned, and this test is the seam's guard: an
upgrade that changes those internals fails here, against ``BM25.get_scores``
as the reference, on every BM25 variant and on an index saved and memory-mapped
as the product loads it.
"""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
import pytest

from assistant.search.bm25 import bm25_scores

CORPUS = [
    "kalix kommun arbetar med likabehandling i skolan",
    "politikerna i kalix fick utbildning om jämställdhet",
    "uppföljning av arbetet sker varje år",
    "skolan och förskolan följer upp jämställdhet jämställdhet",
    "",
    "ledningen tog ansvar för uppföljning och utbildning",
]
QUERIES = [
    ["jämställdhet"],
    ["kalix", "utbildning"],
    ["uppföljning", "uppföljning", "skolan"],
    ["okänt", "ord", "skolan"],
]


def build(method: str) -> bm25s.BM25:
    bm25 = bm25s.BM25(method=method)
    bm25.index([text.split() or [""] for text in CORPUS], show_progress=False)
    return bm25


@pytest.mark.parametrize("method", ["lucene", "robertson", "atire", "bm25l", "bm25+"])
@pytest.mark.parametrize("query", QUERIES, ids=" ".join)
def test_scores_match_bm25s_public_scoring(method: str, query: list[str]) -> None:
    bm25 = build(method)
    everyone = np.ones(len(CORPUS), dtype=bool)
    expected = bm25.get_scores(query)
    assert expected.max() > 0
    np.testing.assert_allclose(bm25_scores(bm25, query, everyone), expected, rtol=1e-5, atol=1e-6)


def test_a_saved_memory_mapped_index_scores_the_same(tmp_path: Path) -> None:
    build("lucene").save(str(tmp_path / "bm25"), show_progress=False)
    loaded = bm25s.BM25.load(str(tmp_path / "bm25"), mmap=True, show_progress=False)
    everyone = np.ones(len(CORPUS), dtype=bool)
    for query in QUERIES:
        np.testing.assert_allclose(bm25_scores(loaded, query, everyone), loaded.get_scores(query), rtol=1e-5)


def test_filtered_out_passages_score_zero_and_unknown_words_score_nothing() -> None:
    bm25 = build("lucene")
    mask = np.array([False, True, True, True, True, False])
    scores = bm25_scores(bm25, ["kalix", "jämställdhet"], mask)
    assert scores[0] == scores[5] == 0.0 and scores[1] > 0 and scores[3] > 0
    np.testing.assert_array_equal(scores[mask], bm25.get_scores(["kalix", "jämställdhet"])[mask])
    assert not bm25_scores(bm25, ["okänt"], mask).any()
