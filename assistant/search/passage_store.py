"""An index's passages stored by column, so a loaded million-passage index holds no million Python objects.

Layout (``passages/`` in a build)::

    text.bin, text.npy            the texts (UTF-8, one after another, memory-mapped) and their byte offsets
    id.bin, id.npy                the ids, likewise
    footnotes.bin, footnotes.npy  each passage's footnotes as JSON (empty for none), likewise
    codes.npy                     one row per CODED field: each passage's value as a position in values.json
                                  (-1 for None), memory-mapped
    page.npy                      each passage's page (-1 for None)
    values.json                   each CODED field's distinct values, in order of first appearance

A :class:`Passage` is made only when asked for (a query's hits); filters and the ranker's per-passage
facts read the columns.  Measured at 200,000 synthetic passages (``docs/scale.md``): the passages as
objects, parsed from JSON lines, took 270 MB and 4.2 s to load; the columns 5 MB and 0.04 s, plus the
pages of the texts that queries touch.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from assistant.documents.passages import Passage

CODED = ("kind", "document", "section", "title", "role", "municipality", "category", "discusses", "reading")
"""Fields with few distinct values (or mostly None), stored as positions in a table of values."""
MISSING = -1
"""The code of None, and the page of a passage without one."""
BLOBS = ("text", "id", "footnotes")
FILES = tuple(f"passages/{name}" for name in ("codes.npy", "page.npy", "values.json")) + tuple(
    f"passages/{blob}.{suffix}" for blob in BLOBS for suffix in ("bin", "npy")
)


class Strings:
    """Strings stored one after another in a memory-mapped file, found by their byte offsets."""

    def __init__(self, path: Path) -> None:
        self.offsets = np.load(path.with_suffix(".npy"))
        with path.open("rb") as handle:
            size = path.stat().st_size
            self.data: mmap.mmap | bytes = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if int(self.offsets[-1]) != size:
            raise ValueError(f"{path.name}: offsets end at {int(self.offsets[-1])}, file has {size} bytes")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, position: int) -> str:
        return self.data[int(self.offsets[position]) : int(self.offsets[position + 1])].decode("utf-8")

    def containing(self, text: str) -> np.ndarray:
        """Which strings contain ``text`` (one scan of the file; a match across two strings does not count)."""
        found = np.zeros(len(self), dtype=bool)
        needle = text.encode("utf-8")
        if not needle:
            found[:] = True
            return found
        starts = []
        start = self.data.find(needle)
        while start >= 0:
            starts.append(start)
            start = self.data.find(needle, start + 1)
        if starts:
            at = np.array(starts, dtype=np.int64)
            owner = np.searchsorted(self.offsets, at, side="right") - 1
            inside = at + len(needle) <= self.offsets[owner + 1]
            found[owner[inside]] = True
        return found

    @staticmethod
    def write(path: Path, strings: Iterable[str]) -> None:
        offsets = [0]
        with path.open("wb") as handle:
            for string in strings:
                data = string.encode("utf-8")
                handle.write(data)
                offsets.append(offsets[-1] + len(data))
        np.save(path.with_suffix(".npy"), np.array(offsets, dtype=np.int64))


class PassageStore(Sequence[Passage]):
    """The passages of a loaded index, by position; each :class:`Passage` is made when asked for."""

    def __init__(self, directory: Path) -> None:
        self.texts = Strings(directory / "text.bin")
        self._ids = Strings(directory / "id.bin")
        self._footnotes = Strings(directory / "footnotes.bin")
        self._codes = np.load(directory / "codes.npy", mmap_mode="r")
        self._pages = np.load(directory / "page.npy", mmap_mode="r")
        self._values: dict[str, list[str]] = json.loads((directory / "values.json").read_text(encoding="utf-8"))
        self._positions: dict[str, int] | None = None
        lengths = {len(self.texts), len(self._ids), len(self._footnotes), self._codes.shape[1], len(self._pages)}
        if len(lengths) != 1 or self._codes.shape[0] != len(CODED) or set(self._values) != set(CODED):
            raise ValueError("the passage files disagree on the number of passages or fields")

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, position: int) -> Passage: ...

    @overload
    def __getitem__(self, position: slice) -> list[Passage]: ...

    def __getitem__(self, position: int | slice) -> Passage | list[Passage]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if not -len(self) <= position < len(self):
            raise IndexError(position)
        position %= len(self)
        fields = {
            name: self._values[name][code] if code != MISSING else None
            for name, code in zip(CODED, self._codes[:, position].tolist(), strict=True)
        }
        footnotes = self._footnotes[position]
        page = int(self._pages[position])
        return Passage(
            id=self._ids[position],
            text=self.texts[position],
            page=page if page != MISSING else None,
            footnotes=json.loads(footnotes) if footnotes else {},
            **fields,  # type: ignore[arg-type]  # kind is one of KINDS: written from Passage objects
        )

    def __iter__(self) -> Iterator[Passage]:
        return (self[i] for i in range(len(self)))

    def position(self, passage_id: str) -> int | None:
        """The position of the passage with this id, or None (the id map is made on first use)."""
        if self._positions is None:
            self._positions = {self._ids[i]: i for i in range(len(self))}
        return self._positions.get(passage_id)

    def values(self, field: str) -> list[str]:
        """The distinct values of a CODED field (None left out), in order of first appearance."""
        return self._values[field]

    def codes(self, field: str) -> np.ndarray:
        """Each passage's value of a CODED field as a position in :meth:`values` (MISSING for None)."""
        return np.asarray(self._codes[CODED.index(field)])

    def column(self, field: str, missing: str | None = None) -> np.ndarray:
        """Each passage's value of a CODED field (an object array, ``missing`` for None)."""
        return np.array([*self._values[field], missing], dtype=object)[self.codes(field)]

    def having(self, field: str, wanted: Iterable[str]) -> np.ndarray:
        """Which passages' value of a CODED field is one of ``wanted``."""
        known = {value: code for code, value in enumerate(self._values[field])}
        return np.isin(self.codes(field), [known[w] for w in wanted if w in known])

    def firsts(self, field: str, by: str) -> list[tuple[str, str]]:
        """Each distinct (``by``, ``field``) pair of values, neither None nor empty, in order of first appearance."""
        keys, values = self.codes(by).astype(np.int64), self.codes(field).astype(np.int64)
        present = np.flatnonzero(
            self.having(by, filter(None, self._values[by])) & self.having(field, filter(None, self._values[field]))
        )
        pairs = keys[present] * (len(self._values[field]) + 1) + values[present]
        _, first = np.unique(pairs, return_index=True)
        rows = present[np.sort(first)]
        return [(self._values[by][keys[r]], self._values[field][values[r]]) for r in rows.tolist()]


def write_passages(directory: Path, passages: Sequence[Passage]) -> None:
    """Write ``passages`` in the layout :class:`PassageStore` reads."""
    directory.mkdir(parents=True, exist_ok=True)
    Strings.write(directory / "text.bin", (p.text for p in passages))
    Strings.write(directory / "id.bin", (p.id for p in passages))
    notes = (json.dumps(p.footnotes, ensure_ascii=False) if p.footnotes else "" for p in passages)
    Strings.write(directory / "footnotes.bin", notes)
    tables: dict[str, dict[str, int]] = {name: {} for name in CODED}
    codes = np.full((len(CODED), len(passages)), MISSING, dtype=np.int32)
    for position, passage in enumerate(passages):
        for row, name in enumerate(CODED):
            value = getattr(passage, name)
            if value is not None:
                codes[row, position] = tables[name].setdefault(value, len(tables[name]))
    np.save(directory / "codes.npy", codes)
    pages = [MISSING if p.page is None else p.page for p in passages]
    np.save(directory / "page.npy", np.array(pages, dtype=np.int32))
    values = {name: list(table) for name, table in tables.items()}
    (directory / "values.json").write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
