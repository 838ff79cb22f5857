"""What each document covers — its word forms, places and years — computed when the index is built.

The answered decision asks whether a question's place, year or specific words occur in the documents
it searches: per document, so that a question about Haparanda's turnout is not declined as "not
mentioned" when an added document treats it, and a filter on one document judges by that document
alone.  Computed once at build time from the BM25 tokens and stored with the index, so starting
``ask`` does not lemmatise the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.documents.passages import Passage
from assistant.search.bridges import Bridge, used_by
from assistant.search.lexical import normal_forms
from assistant.search.places import swedish_places

YEAR = re.compile(r"\b(19|20)\d\d\b")


@dataclass(frozen=True)
class Coverage:
    """Word forms (BM25 tokens), places (quoted municipalities first, then places named) and years."""

    forms: frozenset[str] = frozenset()
    places: tuple[str, ...] = ()
    years: frozenset[str] = frozenset()

    def __or__(self, other: Coverage) -> Coverage:
        return Coverage(
            self.forms | other.forms, tuple(dict.fromkeys((*self.places, *other.places))), self.years | other.years
        )

    def bridged(self, bridges: Iterable[Bridge]) -> frozenset[str]:
        """The forms of the question's words that the documents say in other words: a bridged word counts as
        covered where these documents use a word it is bridged to."""
        return frozenset(
            form
            for bridge in bridges
            if any(used_by(target, self.forms) for target in bridge.to)
            for form in normal_forms(bridge.word)
        )

    def to_dict(self) -> dict[str, Any]:
        return {"forms": sorted(self.forms), "places": list(self.places), "years": sorted(self.years)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coverage:
        return cls(frozenset(data["forms"]), tuple(data["places"]), frozenset(data["years"]))


def union(coverages: Iterable[Coverage]) -> Coverage:
    total = Coverage()
    for coverage in coverages:
        total = total | coverage
    return total


def document_coverage(passages: list[Passage], tokens: list[list[str]]) -> dict[str, Coverage]:
    """Each document's coverage, from its passages and their BM25 tokens (aligned lists)."""
    gazetteer = swedish_places()
    forms: dict[str, set[str]] = {}
    speakers: dict[str, list[str]] = {}
    named: dict[str, list[str]] = {}
    years: dict[str, set[str]] = {}
    for passage, passage_tokens in zip(passages, tokens, strict=True):
        document = passage.document
        forms.setdefault(document, set()).update(passage_tokens)
        if passage.municipality:
            speakers.setdefault(document, []).append(passage.municipality)
        named.setdefault(document, []).extend(gazetteer.named(f"{passage.section}. {passage.text}"))
        years.setdefault(document, set()).update(m.group(0) for m in YEAR.finditer(passage.text))
    return {
        document: Coverage(
            frozenset(forms[document]),
            tuple(dict.fromkeys((*speakers.get(document, []), *named[document]))),
            frozenset(years[document]),
        )
        for document in forms
    }
