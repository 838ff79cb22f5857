"""Who a question asks about: a role or a municipality named in it, by whole words in any inflection.

"politikerna i Kalix", "Gällivares politiker", "förvaltningen i Haparanda",
"skolan i Övertorneå": the speaker's quotes are then ranked first, softly (a
boost, not a filter).  A question's word names a role when its normal form
(lemma, stem, å/ä/ö folded) or its plain stem is a role word's stem; never by
prefix, so "verksamhetsstyrningen" is not a role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from assistant.documents.names import name_key
from assistant.search.lexical import STOPWORDS, name_keys, normal_forms, stem, words

ROLE_WORDS = {
    "Politiker": (
        "politiker",
        "politik",
        "politisk",
        "förtroendevald",
        "kommunalråd",
        "nämnd",
        "kommunstyrelse",
        "fullmäktige",
        "ordförande",
    ),
    "Förvaltningsföreträdare": (
        "förvaltning",
        "tjänsteperson",
        "tjänsteman",
        "tjänstemän",
        "förvaltningschef",
        "kommundirektör",
        "chef",
        "ledning",
        "ledningsgrupp",
        "förvaltningsnivå",
    ),
    "Verksamhetsföreträdare": (
        "verksamhet",
        "pilotverksamhet",
        "verksamhetsnivå",
        "förskola",
        "skola",
        "personal",
        "medarbetare",
        "rektor",
        "pedagog",
    ),
}
"""Everyday words for the report's three levels (politik, förvaltning, verksamhet)."""


@dataclass(frozen=True)
class Speaker:
    """The role and municipality a question names; ``None`` where it names none."""

    role: str | None = None
    municipality: str | None = None


def role_words() -> list[str]:
    """Every word that names a role, as written in ``ROLE_WORDS``."""
    return [word for names in ROLE_WORDS.values() for word in names]


def _whole_word_forms(word: str) -> set[str]:
    """A word's own normal form, without its compound parts ("verksamhetsstyrning" is no "verksamhet"), and its
    plain stem ("nämnden" → "namnd", where the lemmatiser reads "nämnd" as the verb "nämna"); none for a stop
    word: "ska" (the verb "skola", lemmatised as the school) named Verksamhetsföreträdare in "Hur ska vi …?" before
    any role the question named (new-user trial, 2026-12-07)."""
    lower = word.lower()
    return set() if lower in STOPWORDS else {normal_forms(lower)[0], stem(lower)}


@lru_cache(maxsize=1)
def _role_forms() -> dict[str, set[str]]:
    """The role words' plain stems (written in their base form, they need no lemma: "nämnd" is no "nämna")."""
    return {role: {stem(w) for w in names} for role, names in ROLE_WORDS.items()}


def is_town_word(word: str, municipalities: list[str]) -> bool:
    """True for a word that names one of ``municipalities`` ("Kalix", "Gällivares")."""
    towns = {name_key(m) for m in municipalities}
    return any(key in towns for key in name_keys(word))


def is_role_word(word: str) -> bool:
    """True for a word that names a role ("politikerna", "förvaltningen")."""
    return any(_whole_word_forms(word) & forms for forms in _role_forms().values())


def is_speaker_word(word: str, municipalities: list[str]) -> bool:
    """True for a word that names a role or one of ``municipalities``."""
    return is_town_word(word, municipalities) or is_role_word(word)


def named_speaker(question: str, municipalities: list[str]) -> Speaker:
    """The first role and municipality named in ``question`` (whole words, any inflection)."""
    found = words(question)
    keys = {key for word in found for key in name_keys(word)}
    municipality = next((m for m in municipalities if name_key(m) in keys), None)
    forms = [_whole_word_forms(w) for w in found]
    role = next((r for own in forms for r, role_forms in _role_forms().items() if own & role_forms), None)
    return Speaker(role, municipality)
