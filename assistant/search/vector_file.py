"""A float32 matrix in an ``.npy`` file whose rows are read when asked for, not held or mapped in memory.

A query needs its few hundred candidates' passage and sentence vectors.  A memory map of the files did
that at first, but Linux maps a file's cached pages into the process a large folio at a time (up to
2 MB on ext4), so random rows soon mapped the whole file: at 200,000 passages 16 questions had mapped
1.2 GB of the 1.4 GB of vectors into the process (measured, ``docs/scale.md``), and at 1,000,000 the
7.3 GB of vectors would count in the server's memory.  Reading each run of consecutive rows with one
``pread`` costs about the same (1.7 ms for 400 runs of 2–6 sentence vectors, either way) and leaves the
file to the page cache.

A ``pread`` of a few rows on a cold page cache reads just those pages from disk, one wait each: at
200,000 passages the first round of questions after the files left the page cache took twice as long
as the next.  So at open a background thread asks the kernel to read the whole file into the page
cache (``POSIX_FADV_WILLNEED``), a few MB per call: Linux reads at most its readahead window (8 MB
here) per call, so one call for the whole file read 1% of it.  At 200,000 passages (1.5 GB of
vectors) the calls took 0.6 s and the files were cached 2.3 s after open.  The page cache is the
kernel's, not the process's memory; under pressure the kernel drops those pages and ``pread`` reads
from disk again.
"""

from __future__ import annotations

import os
import threading
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

MAX_READ = 1 << 30
"""Bytes read by one ``pread`` at most (Linux returns at most about 2 GB from one)."""

READ_AHEAD = 4 << 20
"""Bytes asked for by one ``POSIX_FADV_WILLNEED`` (the kernel reads at most its readahead window per call)."""


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
        if hasattr(os, "posix_fadvise"):  # Linux; elsewhere the rows are read from disk when first asked for
            threading.Thread(target=self._read_ahead, name=f"read ahead {path.name}", daemon=True).start()

    def _read_ahead(self) -> None:
        """Ask the kernel to read the file into the page cache, a piece at a time (the thread holds the file open)."""
        size = os.fstat(self._file).st_size
        for offset in range(0, size, READ_AHEAD):
            os.posix_fadvise(self._file, offset, READ_AHEAD, os.POSIX_FADV_WILLNEED)

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
            return self._read(np.array([start]), np.array([max(stop - start, 0)]))
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"rows outside 0..{len(self) - 1}")
        starts = np.flatnonzero(np.diff(rows, prepend=-2) != 1)
        counts = np.diff(starts, append=len(rows))
        return self._read(rows[starts], counts)

    def _read(self, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Runs of ``counts`` rows from ``starts``: one ``pread`` each (``map``: no Python loop per run)."""
        per_read = max(1, MAX_READ // self._row)
        if len(counts) and counts.max() > per_read:  # a large file whole (np.asarray): a piece at a time
            pieces = [
                (piece, min(per_read, s + c - piece))
                for s, c in zip(starts.tolist(), counts.tolist(), strict=True)
                for piece in range(s, s + c, per_read)
            ]
            return self._read(np.array([p for p, _ in pieces]), np.array([c for _, c in pieces]))
        sizes = (counts * self._row).tolist()
        data = b"".join(map(os.pread, repeat(self._file), sizes, (self._offset + starts * self._row).tolist()))
        if len(data) != sum(sizes):
            raise OSError(f"{self.path.name}: short read")
        return np.frombuffer(data, dtype=self.dtype).reshape(-1, self.shape[1])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        whole = self[:]
        return whole if dtype is None else whole.astype(dtype)
