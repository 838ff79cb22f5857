"""BM25 scores of a query from bm25s's precomputed sparse matrix, touching only its words' postings.

bm25s stores each token's scores per passage as a compressed sparse column; a
query's score is the sum of its tokens' columns.  Summing them with
``np.bincount`` costs one pass over those postings (C, no Python loop per
passage) and one array the size of the corpus, whatever bm25s's optional
numba backend; filtered-out passages are zeroed afterwards.  That matrix is
bm25s's internal layout, so bm25s is pinned and ``tests/test_bm25.py`` checks
these scores against its public ``BM25.get_scores``: an upgrade that changes the
layout fails there.
"""

from __future__ import annotations

import bm25s
import numpy as np


def bm25_scores(
    bm25: bm25s.BM25, tokens: list[str], mask: np.ndarray, weights: dict[str, float] | None = None
) -> np.ndarray:
    """BM25 score of every passage for ``tokens`` (a repeated token counts again), 0 where ``mask`` is False.

    ``weights`` scales a token's contribution (1 for a token it does not name): a bridged word counts less.
    """
    weights = weights or {}
    known = [t for t in tokens if t in bm25.vocab_dict]
    ids = bm25.get_tokens_ids(known)
    matrix = bm25.scores
    if not ids:
        return np.zeros(len(mask), dtype=np.float32)
    indptr = matrix["indptr"]
    columns = [slice(int(indptr[i]), int(indptr[i + 1])) for i in ids]
    rows = np.concatenate([matrix["indices"][c] for c in columns])
    values = np.concatenate([matrix["data"][c] * weights.get(t, 1.0) for t, c in zip(known, columns, strict=True)])
    scores = np.bincount(rows, weights=values, minlength=len(mask)).astype(np.float32)
    if bm25.nonoccurrence_array is not None:  # BM25 variants that score absent words (not bm25s's default)
        scores += bm25.nonoccurrence_array[ids].sum()
    scores[~mask] = 0.0
    return scores
