"""Which document a user means: one function for the command line, the chat, the API and the filters.

A user names a document by its file name (``rapport.txt``), its key (the file name without suffix, as
passages carry it) or its title ("På väg mot jämställda …"), in any case, spacing, with or without
å/ä/ö.  :func:`resolve_document` is the only place that matches such a name; the documents it matches
against come from the loaded index (or the corpus directory for one not indexed yet), never from parsing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.errors import InputError


@dataclass(frozen=True)
class DocumentName:
    """The three names of one document: its key (passages' ``document``), its file name and its title."""

    key: str
    file: str
    title: str


def name_key(text: str) -> str:
    """``text`` as compared: case, spacing and accents (å, ä, ö, é) do not matter."""
    spaced = " ".join(text.split()).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", spaced) if not unicodedata.combining(c))


def resolve_document(wanted: str, documents: Iterable[DocumentName]) -> DocumentName:
    """The document ``wanted`` names (file name, key or title); InputError (Swedish) listing them when none does.

    A file name or key wins over another document's title that happens to read the same.
    """
    known = list(documents)
    key = name_key(wanted)
    for names in (lambda d: (d.file, d.key), lambda d: (d.title,)):
        for document in known:
            if key and key in (name_key(n) for n in names(document)):
                return document
    listed = ", ".join(sorted(d.file for d in known)) or "inga"
    raise InputError(f"Det finns inget dokument som heter {wanted.strip()[:80]!r}. Dokument: {listed}.")
