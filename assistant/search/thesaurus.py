"""Swedish synonyms: Debian's ``mythes-sv`` thesaurus, and a short list of municipal terms.

Officials ask in their own words ("förtroendevalda", "skolledning", "personalchef") about what a report
says in others ("politiker", "rektorer", "HR").  Two openly licensed sources say which words can stand
for which:

- ``mythes-sv`` (LibreOffice's Swedish thesaurus, © 2009 Viggo Kann, KTH: use, copy and modify for any
  purpose with its notice kept; Debian package ``mythes-sv``), read from its ``.dat`` file: entries of a
  headword and lines of synonyms.  General Swedish, and thin on municipal words.
- ``MUNICIPAL_TERMS``: groups of words that Swedish municipalities use for the same people, bodies and
  documents, written by hand for this project (2026-12-07) from the report's own wording and the words
  officials use in the question sets for it; every word of a group can stand for every other.

Which of these a question's word is bridged to is decided against the documents (``bridges.py``); this
module only reads the sources.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

MYTHES = Path("/usr/share/mythes/th_sv_SE_v2.dat")
INSTALL = "apt-get install mythes-sv"

MUNICIPAL_TERMS: tuple[tuple[str, ...], ...] = (
    ("förtroendevald", "politiker", "kommunpolitiker", "ledamot", "fullmäktigeledamot", "nämndledamot"),
    ("nämnd", "politiker", "politisk ledning", "styrelse"),
    ("skolledning", "skolledare", "rektor", "förskolechef"),
    ("lärare", "pedagog", "skolpersonal", "förskolepersonal"),
    ("personalchef", "hr-chef", "hr", "personalavdelning"),
    ("tjänsteperson", "tjänsteman", "medarbetare", "anställd"),
    ("chefsposition", "ledande position", "chef"),
    ("eldsjäl", "engagerad", "drivande"),
    ("policydokument", "styrdokument", "policy", "riktlinje"),
    ("kommunledning", "ledning", "kommundirektör", "förvaltningsledning"),
)
"""Groups of interchangeable municipal terms (lemmas; each group read in every direction)."""


def mythes_groups(path: Path = MYTHES) -> Iterator[tuple[str, ...]]:
    """Each thesaurus entry as (headword, synonym, …), lower case; nothing (logged) when it is not installed.

    The ``.dat`` file names its encoding on its first line; then an entry is ``word|n`` followed by ``n``
    lines ``(word class)|synonym|synonym|…``.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        log.warning("No Swedish thesaurus at %s (%s); bridging with the municipal terms only", path, INSTALL)
        return
    encoding, _, body = raw.partition(b"\n")
    lines = iter(body.decode(encoding.decode("ascii").strip() or "utf-8", errors="replace").splitlines())
    for line in lines:
        head, _, count = line.partition("|")
        if not count.isdigit():
            continue
        synonyms = [s.strip().lower() for _ in range(int(count)) for s in next(lines, "").split("|")[1:]]
        yield (head.strip().lower(), *dict.fromkeys(s for s in synonyms if s))


def synonym_pairs(path: Path = MYTHES) -> Iterator[tuple[str, str]]:
    """(word, a word that can stand for it): every pair within a municipal group, and the thesaurus's headword
    with each synonym either way (two synonyms of one headword are not paired: "lärare" lists both "lektor"
    and "instruktör")."""
    for group in MUNICIPAL_TERMS:
        yield from ((a, b) for a in group for b in group if a != b)
    for head, *synonyms in mythes_groups(path):
        for synonym in synonyms:
            yield head, synonym
            yield synonym, head
