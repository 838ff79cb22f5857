"""Place names in a question: Sweden's 290 municipalities, its counties and the neighbouring countries.

The answered decision needs to know that "kiruna" is a place the report does not cover, and never that
the English word "are" is the municipality Åre.  Names come from ``places_sv.txt`` (its header gives
the source); a name that is also a common word ("=Vara", "=Åre" in the file) counts only when written
with a capital letter.  Only whole names match, in any case, with or without å/ä/ö, with a genitive -s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from assistant.documents.names import name_key
from assistant.search.lexical import WORD, name_keys

LONGEST_NAME = 3
"""Words in the longest name ("Region Västra Götaland")."""


@dataclass(frozen=True)
class Gazetteer:
    """Place names by their name key (lower case, å/ä/ö folded; words joined by one space)."""

    names: dict[str, str]
    capital_only: frozenset[str]
    starts: frozenset[str] = frozenset()
    """The first word of every name: a word that starts none is passed over without trying 1–3-word names
    (building the index of a million passages spent most of its time in those lookups)."""

    @classmethod
    def parse(cls, text: str) -> Gazetteer:
        names: dict[str, str] = {}
        capital_only = set()
        for line in text.splitlines():
            name = line.strip()
            if not name or name.startswith("#"):
                continue
            if name.startswith("="):
                name = name[1:].strip()
                capital_only.add(_key(name))
            names.setdefault(_key(name), name)
        return cls(names, frozenset(capital_only), frozenset(key.split(" ")[0] for key in names))

    def named(self, text: str) -> list[str]:
        """The places named in ``text``, in order, each once; the longest name wins ("Lilla Edet")."""
        tokens = [m.group(0) for m in WORD.finditer(text)]
        found: list[str] = []
        position = 0
        while position < len(tokens):
            key = name_key(tokens[position])
            if key not in self.starts and not (key.endswith("s") and key[:-1] in self.starts):
                position += 1
                continue
            for size in range(min(LONGEST_NAME, len(tokens) - position), 0, -1):
                name = self._lookup(tokens[position : position + size], first=position == 0)
                if name:
                    if name not in found:
                        found.append(name)
                    position += size
                    break
            else:
                position += 1
        return found

    def _lookup(self, tokens: list[str], first: bool) -> str | None:
        """The place ``tokens`` name; a name that is also a common word only capitalised, and not as the first word."""
        *before, last = tokens
        head = " ".join(name_key(t) for t in before)
        for key in name_keys(last):
            full = f"{head} {key}" if head else key
            if full in self.names and (full not in self.capital_only or (tokens[0][:1].isupper() and not first)):
                return self.names[full]
        return None


def _key(name: str) -> str:
    return " ".join(name_key(part) for part in WORD.findall(name))


@lru_cache(maxsize=1)
def swedish_places() -> Gazetteer:
    """The bundled list, read once."""
    return Gazetteer.parse(resources.files("assistant.search").joinpath("places_sv.txt").read_text("utf-8"))
