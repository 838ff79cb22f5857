"""The passage vector index, chosen by size: an exact flat scan where it is cheap, IVF over int8 vectors above.

A flat scan reads every vector for every query: 100,000 × 384 float32 take
35–45 ms in FAISS on these two cores, more than the query encoding (about
18 ms).  Above :data:`APPROXIMATE_FROM` passages the index is an inverted file
(k-means lists, :data:`PROBES` of them scanned per query) over scalar-quantised
int8 vectors: a query reads a few percent of the vectors, at a quarter of the
bytes.  Its scores are approximate; it only proposes candidates, whose exact
cosines retrieval recomputes from the float32 vectors (``vectors.npy``, read
row by row: :mod:`assistant.search.vector_file`), so the ranking of what it
finds does not move.  Its recall
against the flat scan is measured by ``assistant bench --passages N``.

Filters on the approximate index: a filter that allows few passages is
answered exactly over those passages (cheaper than probing lists full of
excluded ones, and never misses); one in between searches with FAISS's
selector and proportionally more probes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager

import faiss
import numpy as np

from assistant.search.vector_file import VectorFile

FLAT = "flat"
IVF_SQ8 = "ivf-sq8"
APPROXIMATE_FROM = 20_000
"""Passages from which the approximate index is built; below, a flat scan on one thread costs at most about
1.5 ms (0.7 ms measured for 10,000 × 384 vectors on these cores).  ``ASSISTANT_APPROXIMATE_FROM`` overrides it
(tests force the approximate path on a small index with it)."""
LISTS_PER_SQRT = 4
"""Inverted lists = this × √passages: the low end of FAISS's 4–16·√N guideline, so that k-means and the
assignment of a million vectors stay within a minute on two cores."""
PROBES = 48
"""Lists scanned per query: with 48 of 1,265 lists, recall@10 against the flat scan was 0.999 on the development
questions over the synthetic corpus of 100,000 passages (docs/scale.md); fewer probes were not tried."""
TRAIN_PER_LIST = 40
"""k-means training points per list (FAISS warns below 39); a sample, so training time does not grow with N."""
KMEANS_ITERATIONS = 10
"""k-means iterations (FAISS's default is 25): with 25, building the index of 1,000,000 vectors took about
4.5 minutes on two cores, most of it k-means."""
EXACT_SUBSET = 20_000
"""A filter allowing at most this many passages is searched exactly over them (about 2 ms)."""
POSTFILTER_SHARE = 0.5
"""Above this share of allowed passages, the index is searched unfiltered and the mask applied after."""
CHUNK = 65_536
"""Vectors added to the index at a time, so a memory-mapped matrix is never read whole into memory."""


def approximate_from() -> int:
    """Passages from which the approximate index is used (``ASSISTANT_APPROXIMATE_FROM``, else the default)."""
    value = os.environ.get("ASSISTANT_APPROXIMATE_FROM", "").strip()
    return int(value) if value else APPROXIMATE_FROM


@contextmanager
def _all_threads() -> Iterator[None]:
    """FAISS on every core for a build (k-means, adding), back to the process's setting after
    (:func:`search_on_one_thread`)."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def build_dense(vectors: np.ndarray, threshold: int | None = None) -> faiss.Index:
    """The index for ``vectors`` (normalised, float32, possibly memory-mapped): flat or IVF-SQ8 by their number."""
    with _all_threads():
        return _build(vectors, threshold)


def _build(vectors: np.ndarray, threshold: int | None) -> faiss.Index:
    count, dimension = vectors.shape
    if count < (approximate_from() if threshold is None else threshold):
        flat = faiss.IndexFlatIP(dimension)
        for start in range(0, count, CHUNK):
            flat.add(np.ascontiguousarray(vectors[start : start + CHUNK]))
        return flat
    lists = max(1, min(count // TRAIN_PER_LIST, round(LISTS_PER_SQRT * math.sqrt(count))))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dimension, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    index.cp.niter = KMEANS_ITERATIONS
    sample = np.random.default_rng(0).choice(count, size=min(count, TRAIN_PER_LIST * lists), replace=False)
    index.train(np.ascontiguousarray(vectors[np.sort(sample)]))
    for start in range(0, count, CHUNK):
        index.add(np.ascontiguousarray(vectors[start : start + CHUNK]))
    index.nprobe = min(PROBES, lists)
    return index


def kind(index: faiss.Index) -> str:
    """``flat`` or ``ivf-sq8``."""
    return IVF_SQ8 if isinstance(index, faiss.IndexIVF) else FLAT


def search_on_one_thread() -> None:
    """FAISS searches on one thread: set once where the process starts (``assistant``'s command line).

    One query has nothing to share between threads, but FAISS's OpenMP threads
    spin after each search and take the second core from numpy and the query
    encoder: measured on these two cores, a flat search of 10,000 vectors took
    12 ms with two threads and 0.7 ms with one, and numpy's products sped up too.
    A build takes every core for a while (:func:`build_dense`) and gives them back.
    """
    faiss.omp_set_num_threads(1)


def prepare(index: faiss.Index) -> faiss.Index:
    """A loaded index ready to search: the IVF's probes set (they are not stored with it)."""
    if isinstance(index, faiss.IndexIVF):
        index.nprobe = min(PROBES, index.nlist)
    return index


def search(
    index: faiss.Index, vectors: VectorFile | np.ndarray, query: np.ndarray, mask: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Ids and scores of the ``k`` best vectors that ``mask`` allows (fewer if fewer are allowed).

    When most vectors are allowed (the default filter only leaves out
    footnotes) an unfiltered search of a few more, filtered afterwards, is much
    faster than FAISS's selector, which gives up its fast scan.  ``vectors`` are
    the exact vectors, for a narrow filter on the approximate index.
    """
    allowed = int(mask.sum())
    k = min(k, allowed)
    if k == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    if allowed >= POSTFILTER_SHARE * len(mask):
        scores, ids = index.search(query, min(len(mask), 2 * k * len(mask) // allowed))
        keep = (ids[0] >= 0) & mask[np.maximum(ids[0], 0)]
        return ids[0][keep][:k], scores[0][keep][:k]
    if isinstance(index, faiss.IndexIVF) and allowed <= EXACT_SUBSET:
        rows = np.flatnonzero(mask)
        cosines = vectors[rows] @ query[0]
        best = np.argpartition(-cosines, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        best = best[np.argsort(-cosines[best], kind="stable")]
        return rows[best].astype(np.int64), cosines[best].astype(np.float32)
    bits = np.packbits(mask, bitorder="little")  # must outlive the search: the selector only points to it
    selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
    # faiss's stub lacks the keyword arguments its Python wrapper adds to SearchParameters.
    params: faiss.SearchParameters
    if isinstance(index, faiss.IndexIVF):
        probes = min(index.nlist, math.ceil(index.nprobe * len(mask) / allowed))
        params = faiss.SearchParametersIVF(sel=selector, nprobe=probes)  # type: ignore[call-arg]
    else:
        params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
    scores, ids = index.search(query, k, params=params)
    valid = ids[0] >= 0
    return ids[0][valid], scores[0][valid]
