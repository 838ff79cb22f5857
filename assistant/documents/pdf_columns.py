"""Columns per region of a PDF page: which words are read together, in which order.

A gutter is an empty vertical strip between columns; two gutters make three
columns.  It is looked for among body-size words only (a chart's tick labels or
a heading may stand in it), and it may be crossed by a few rows: a title or a
full-width paragraph above or below the columns.  Rows that cross a gutter are
read on their own, the rows between are read column by column.  Words are
pdfplumber's word dicts (``x0``, ``x1``, ``top``, ``bottom``, ``size``).
"""

from __future__ import annotations

import itertools

GUTTER_MIN = 8.0
"""Narrowest empty vertical strip (points) taken for a gutter between two columns."""
GUTTER_LEAK = 0.1
"""Share of a page's rows that may cross a gutter (titles, full-width lines above or below the columns)."""
MIN_COLUMN_SHARE = 0.12
"""Each column holds at least this share of the page's words (a narrow third column of 2–3 short lines is not
one)."""


def regions(rows: list[list[dict]], body_size: float) -> list[list[dict]]:
    """The page's words as segments in reading order: each column of a multi-column band, and rows that cross
    a gutter (a title, a full-width paragraph) on their own.  Gutters are looked for among body-size words
    only: a chart's tick labels or a heading may stand in one."""
    words = [w for row in rows for w in row]
    body = [[w for w in row if abs(w["size"] - body_size) <= 0.1 * body_size] for row in rows]
    gutters = _gutters([row for row in body if row], [w for row in body for w in row])
    if not gutters:
        return [words] if words else []
    segments: list[list[dict]] = []
    band: list[list[dict]] = []
    spanning: list[dict] = []

    def close_band() -> None:
        columns: list[list[dict]] = [[] for _ in range(len(gutters) + 1)]
        for word in (w for row in band for w in row):
            middle = (word["x0"] + word["x1"]) / 2
            columns[sum(1 for g in gutters if middle > g)].append(word)
        segments.extend(c for c in columns if c)
        band.clear()

    for row in rows:
        if any(_crosses(row, g) for g in gutters):
            close_band()
            spanning.extend(row)
            continue
        if spanning:
            segments.append(list(spanning))
            spanning.clear()
        band.append(row)
    close_band()
    if spanning:
        segments.append(spanning)
    return segments


def _crosses(row: list[dict], gutter: float) -> bool:
    """Whether a row runs across the gutter: a word over it, or words on both sides closer than a gutter."""
    if any(w["x0"] < gutter < w["x1"] for w in row):
        return True
    left = max((w["x1"] for w in row if w["x1"] <= gutter), default=None)
    right = min((w["x0"] for w in row if w["x0"] >= gutter), default=None)
    return left is not None and right is not None and right - left < GUTTER_MIN


def _gutters(rows: list[list[dict]], words: list[dict]) -> list[float]:
    """Middles of the empty vertical strips between columns (none, one or two).

    A strip counts as empty when at most GUTTER_LEAK of the rows have a word over it (a title or a
    full-width line may cross it); it must be GUTTER_MIN wide, lie in the middle 70 % of the text's
    width, and leave at least MIN_COLUMN_SHARE of the words on each side.
    """
    if len(words) < 20:
        return []
    left = int(min(w["x0"] for w in words))
    right = int(max(w["x1"] for w in words)) + 1
    cover = [0] * (right - left + 1)
    for row in rows:
        seen: set[int] = set()
        for word in row:
            seen.update(range(int(word["x0"]) - left, int(word["x1"]) - left + 1))
        for x in seen:
            cover[x] += 1
    limit = GUTTER_LEAK * len(rows)
    runs: list[tuple[int, int]] = []
    start = None
    for x, n in enumerate([*cover, len(rows) + 1]):
        if n <= limit and start is None:
            start = x
        elif n > limit and start is not None:
            runs.append((start, x))
            start = None
    width = right - left
    candidates = [
        left + (a + b) / 2 for a, b in runs if b - a >= GUTTER_MIN and 0.15 * width <= (a + b) / 2 <= 0.85 * width
    ]
    gutters = sorted(candidates)[:2]
    while gutters:
        bounds = [float("-inf"), *gutters, float("inf")]
        shares = [
            sum(1 for w in words if lo < (w["x0"] + w["x1"]) / 2 <= hi) / len(words)
            for lo, hi in itertools.pairwise(bounds)
        ]
        if min(shares) >= MIN_COLUMN_SHARE:
            return gutters
        gutters = gutters[:-1] if len(gutters) > 1 else []
    return []
