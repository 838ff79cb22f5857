"""A float32 matrix in an ``.npy`` file whose rows are read when asked for, not held or mapped in memory.

A query needs its few hundred candidates' passage and sentence vectors.  A memory map of the files did
that at first, but Linux maps a file's cached pages into the process a large folio at a time (up to
2 MB on ext4), so random rows soon mapped the whole file: at 200,000 passages 16 questions had mapped
1.2 GB of the 1.4 GB of vectors into the process (measured, ``docs/scale.md``), and at 1,000,000 the
7.3 GB of vectors would count in the server's memory.  Reading each run of consecutive rows with one
``pread`` costs about the same (1.7 ms for 400 runs of 2–6 sentence vectors, either way) and leaves the
file to the page cache.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

MAX_READ = 1 << 30
"""Bytes read by one ``pread`` at most (Linux returns at most about 2 GB from one)."""


class VectorFile:
    """The rows of a 2-D float32 ``.npy`` file, read with ``pread`` by position (an array of rows or a slice)."""

    def __init__(self, path: Path) -> None:
        header = np.load(path, mmap_mode="r")  # reads the header only: where the rows start, and their shape
        if header.ndim != 2 or header.dtype != np.float32 or not header.flags.c_contiguous:
            raise ValueError(f"{path.name}: expected a 2-D float32 matrix, found {header.dtype} {header.shape}")
        self.path = path
        self.shape: tuple[int, int] = header.shape
        self.dtype = header.dtype
        self._offset = header.offset
        self._row = self.shape[1] * self.dtype.itemsize
        del header
        self._file = os.open(path, os.O_RDONLY)

    def __del__(self) -> None:
        if hasattr(self, "_file"):
            os.close(self._file)

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def nbytes(self) -> int:
        return self.shape[0] * self._row

    def __getitem__(self, rows: np.ndarray | slice) -> np.ndarray:
        """The rows asked for, in that order; each run of consecutive rows is one read."""
        if isinstance(rows, slice):
            start, stop, step = rows.indices(len(self))
            if step != 1:
                return self[np.arange(start, stop, step)]
            return self._read([(start, max(stop - start, 0))])
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"rows outside 0..{len(self) - 1}")
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        starts = np.concatenate([[0], breaks]) if len(rows) else breaks
        lengths = np.diff(np.concatenate([starts, [len(rows)]]))
        return self._read(list(zip(rows[starts].tolist(), lengths.tolist(), strict=True)))

    def _read(self, runs: list[tuple[int, int]]) -> np.ndarray:
        chunks = [
            os.pread(self._file, min(count - done, per_read) * self._row, self._offset + (start + done) * self._row)
            for start, count in runs
            for per_read in [max(1, MAX_READ // self._row)]
            for done in range(0, count, per_read)
        ]
        data = b"".join(chunks)
        if len(data) != sum(count for _, count in runs) * self._row:
            raise OSError(f"{self.path.name}: short read")
        return np.frombuffer(data, dtype=self.dtype).reshape(-1, self.shape[1])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        whole = self[:]
        return whole if dtype is None else whole.astype(dtype)
