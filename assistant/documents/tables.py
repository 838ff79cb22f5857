"""A table's rows as facts a passage can hold: "Nya lokaler Tobisviksbadet – Budget 2027: 22 000; Budget 2028: 0.".

A row read alone ("Nya lokaler Tobisviksbadet | 0 | 0 | 22 000") does not say
what its numbers are; with its header cell before each value it does.  A table
whose first row does not look like a header (an empty cell, a long sentence, a
single column) keeps its rows as cells joined by " | ".

Grids from a PDF's table finder are untidy, and :func:`tidied` mends what they
share: columns that are empty in every row (the space between a ruled table's
rectangles) are dropped; a header written over several rows ("Utfall perioden"
/ "jämfört med" / "samma period") is one header; a value drawn over two cells
is read once, in the cell that has a header; a row label wrapped over lines
("IT-tjänster, IT-program, licenses och hyra" / "leasing IT-utrustning") is
one label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

HEADER_CELL_MAX_CHARS = 60
"""A header cell is a label ("Budget 2027", "Projekt"), not a sentence."""
UNIT = re.compile(
    r"(?<![\w])(tkr|mnkr|mkr|mdkr|kr|kronor|tusen kronor|miljoner kronor|%|procent|st|timmar)(?![\w])", re.I
)
"""A unit named in a header cell or the caption ("Budget 2027 (tkr)", "Belopp i tkr")."""
FIGURE = re.compile(r"^[-–+]?\(?[\d\s]+(?:[,.]\d+)?\)?$")
"""A bare figure ("22 000", "-2,7", "(1 266,40)"): the value a unit belongs to."""

Grid = list[list[str | None]]
"""Rows of cells: None for a cell covered by a merged one, "" for an empty cell."""


def _clean(cell: str | None) -> str:
    return re.sub(r"\s+", " ", cell or "").strip()


def row_sentences(
    rows: Sequence[Sequence[str | None]], caption: str = "", wrapped: bool = False, header: list[str] | None = None
) -> list[str]:
    """Each data row of a table as one line of text, its values labelled by the header row when it has one.

    ``caption`` (the line above the table) opens the first row's text, so the table's first passage says
    what the table is about.  ``wrapped``: a row with only a label under a row with values is that row's
    label going on (a PDF's ruled table, whose finder cuts a cell's lines into rows).  ``header``: the
    header of the table this one goes on from (on the page before), used when the columns agree.
    """
    table = [[_clean(c) for c in row] for row in tidied(rows, wrapped)]
    table = [row for row in table if any(row)]
    if not table:
        return []
    if header is not None and len(header) == len(table[0]) and table[0] != header:
        table = [header, *table]
    header = table[0]
    if not _is_header(table):
        sentences = [" | ".join(c for c in row if c) for row in table]
    else:
        caption_unit = UNIT.search(caption)
        units = [(UNIT.search(cell) or caption_unit) for cell in header]
        data = [[_with_unit(value, unit) for value, unit in zip(row, units, strict=False)] for row in table[1:]]
        sentences = [s for s in (_fact(header, row) for row in data) if s]
    if caption and sentences:
        sentences[0] = f"{caption.rstrip(':.')}: {sentences[0]}"
    return sentences


def table_header(rows: Sequence[Sequence[str | None]], wrapped: bool = False) -> list[str] | None:
    """The table's header row (tidied), or None when its first row does not look like one."""
    table = [row for row in ([_clean(c) for c in row] for row in tidied(rows, wrapped)) if any(row)]
    return table[0] if table and _is_header(table) else None


def _is_header(table: list[list[str]]) -> bool:
    header = table[0]
    return (
        len(table) > 1
        and len(header) >= 2
        and all(header[1:])
        and all(len(c) <= HEADER_CELL_MAX_CHARS and not c.endswith(".") for c in header)
    )


def _with_unit(value: str, unit: re.Match[str] | None) -> str:
    """ "22 000" under a header or caption in tkr: "22 000 tkr" (a figure only, and not twice)."""
    if unit is None or not FIGURE.match(value) or not any(c.isdigit() for c in value):
        return value
    return f"{value}{'' if unit.group(1) == '%' else ' '}{unit.group(1)}"


def _fact(header: list[str], row: list[str]) -> str:
    """ "Label – Header: value; Header: value." (a row with a label and no values says nothing: "")."""
    label = row[0]
    values = [f"{name}: {value}" for name, value in zip(header[1:], row[1:], strict=False) if value]
    if label and values:
        return f"{label} – {'; '.join(values)}."
    if values:
        return "; ".join(values) + "."
    return ""


def tidied(rows: Sequence[Sequence[str | None]], wrapped: bool = False) -> Grid:
    """A finder's grid with empty columns dropped, a header over several rows joined, a value drawn over two
    cells read once, columns that never meet merged and wrapped row labels joined (see the module's docstring)."""
    grid: Grid = [list(row) for row in rows if any(_clean(c) for c in row)]
    if len(grid) < 2:
        return grid
    width = max(len(row) for row in grid)
    grid = [row + [None] * (width - len(row)) for row in grid]
    grid = _header_joined(grid)
    grid = [_once(row, grid[0]) for row in grid]
    return _labels_joined(_columns_merged(grid), wrapped)


def _columns_merged(grid: Grid) -> Grid:
    """Adjacent columns that never both hold text in one row are one column (a header cell over the label
    column's edge, the empty strip between a ruled table's rectangles); empty columns go."""
    columns = [[_clean(row[j]) for row in grid] for j in range(len(grid[0]))]
    merged: list[list[str]] = []
    for column in columns:
        if not any(column):
            continue
        if merged and not any(a and b for a, b in zip(merged[-1], column, strict=True)):
            merged[-1] = [a or b for a, b in zip(merged[-1], column, strict=True)]
        else:
            merged.append(column)
    return [[column[i] for column in merged] for i in range(len(grid))]


def _header_joined(grid: Grid) -> Grid:
    """Rows right under the header that fill only cells the header fills, and leave its first cell empty, are
    the header's further lines ("Utfall perioden" / "jämfört med")."""
    header = list(grid[0])
    filled = {j for j, cell in enumerate(header) if _clean(cell)}
    rest = 1
    while rest < len(grid):
        cells = {j for j, cell in enumerate(grid[rest]) if _clean(cell)}
        if not cells or 0 in cells or not cells <= filled or rest == len(grid) - 1:
            break
        for j in cells:
            header[j] = f"{_clean(header[j])} {_clean(grid[rest][j])}"
        rest += 1
    return [header, *grid[rest:]]


def _once(row: list[str | None], header: list[str | None]) -> list[str | None]:
    """A value repeated in the next cell (text drawn over two cells) kept in the one with a header cell."""
    out = list(row)
    for j in range(len(out) - 1):
        value = _clean(out[j])
        if value and value == _clean(out[j + 1]):
            drop = j if _clean(header[j + 1]) or not _clean(header[j]) else j + 1
            out[drop] = ""
    return out


def _labels_joined(grid: Grid, wrapped: bool) -> Grid:
    """A row that fills only the label column, under a row with values, goes on with that row's label: always
    when ``wrapped``, else when it starts in lower case or the label before ends with "," "-" or "och"."""
    out = [grid[0]]
    for row in grid[1:]:
        cells = [j for j, cell in enumerate(row) if _clean(cell)]
        previous = out[-1]
        continues = cells == [0] and len(out) > 1 and any(_clean(c) for c in previous[1:])
        if continues and (wrapped or _clean(row[0])[:1].islower() or _clean(previous[0]).endswith((",", "-", "och"))):
            out[-1] = [f"{_clean(previous[0])} {_clean(row[0])}", *previous[1:]]
        else:
            out.append(row)
    return out
