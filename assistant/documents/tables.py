"""A table's rows as sentences a passage can hold: "Nya lokaler Tobisviksbadet: Budget 2027 22 000; Budget 2028 0".

A row read alone ("Nya lokaler Tobisviksbadet | 0 | 0 | 22 000") does not say
what its numbers are; with the header cells before its values it does.  A
table whose first row does not look like a header (an empty cell, a long
sentence, a single column) keeps its rows as cells joined by " | ".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

HEADER_CELL_MAX_CHARS = 60
"""A header cell is a label ("Budget 2027", "Projekt"), not a sentence."""


def _clean(cell: str | None) -> str:
    return re.sub(r"\s+", " ", cell or "").strip()


def row_sentences(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """Each data row of a table as one line of text, its values labelled by the header row when it has one."""
    table = [[_clean(c) for c in row] for row in rows]
    table = [row for row in table if any(row)]
    if not table:
        return []
    header = table[0]
    has_header = (
        len(table) > 1
        and len(header) >= 2
        and all(header[1:])
        and all(len(c) <= HEADER_CELL_MAX_CHARS and not c.endswith(".") for c in header)
    )
    if not has_header:
        return [" | ".join(c for c in row if c) for row in table]
    sentences = []
    for row in table[1:]:
        label = row[0]
        values = [f"{name} {value}" for name, value in zip(header[1:], row[1:], strict=False) if value]
        if label and values:
            sentences.append(f"{label}: {'; '.join(values)}.")
        elif values:
            sentences.append("; ".join(values) + ".")
        elif label:
            sentences.append(label)
    return sentences
