"""The question as typed → the text to search: chat Swedish, missing å/ä/ö and typos mended; language told.

People type "va sa dom i gallivare", "jämstäldhet", "ngn som har tips".  Before
ranking, chat forms are written out ("va" → "vad", "dom" → "de"), a word typed
without å/ä/ö gets them back when the Swedish word with them is far more
common ("manga" → "många", "gallivare" → "gällivare"), and a word that is
neither Swedish nor in the corpus is corrected to the nearest corpus word
("jämstäldhet" → "jämställdhet").  The reply then shows "Sökte på: …".

A question in English (or another language the model knows) is ranked by the
model alone: Swedish BM25 has nothing to match there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from wordfreq import top_n_list, zipf_frequency

from assistant.documents.passages import Passage
from assistant.search.bridges import Bridge
from assistant.search.intent import Intent
from assistant.search.lexical import FOLD, WORD, normal_forms, words

CHAT_FORMS = {
    "va": "vad",
    "e": "är",
    "é": "är",
    "dom": "de",
    "nån": "någon",
    "ngn": "någon",
    "nåt": "något",
    "ngt": "något",
    "nåra": "några",
    "ngr": "några",
    "elr": "eller",
    "o": "och",
    "me": "med",
    "mkt": "mycket",
    "sån": "sådan",
    "sånt": "sådant",
    "såna": "sådana",
    "ba": "bara",
    "sen": "sedan",
    "mej": "mig",
    "dej": "dig",
    "sej": "sig",
    "int": "inte",
    "inge": "inget",
    "iaf": "i alla fall",
    "bla": "bland annat",
    "tex": "till exempel",
    "pga": "på grund av",
}
"""Chat Swedish and common abbreviations, written out."""
ENGLISH_WORDS = frozenset(
    """
    the what how why who which when where did does do is are was were of to in on for with and can we
    our you your about there their they this that should could would get make help or it be a an have
    has from by at as if so much many any some
""".split()
)
SWEDISH_WORDS = frozenset(
    """
    och att det som en är på av för med har inte vad hur vem vilka varför när var kan ska om man vi de
    jag finns gör gjorde sa säger till från
""".split()
)
DIACRITIC_GAIN = 1.5
"""A word typed without å/ä/ö is restored when the accented word is this much more common (zipf): "manga" (3.7)
→ "många" (6.5), but "kalix" stays."""
DIACRITIC_VOCABULARY = 50_000
"""How many of the most common Swedish words can lend their å/ä/ö to a word typed without them."""
UNKNOWN_ZIPF = 1.5
"""Below this Swedish word frequency a word not in the corpus counts as a typo worth correcting."""


Language = Literal["sv", "en"]


@dataclass(frozen=True)
class Query:
    """A question understood once, read by ranking, the answered decision and the reply.

    ``text`` is the mended question; ``searched`` what retrieval searches (a follow-up's text after the
    previous question's topic).  ``role`` and ``municipality`` are the speaker the question is about
    (named, or carried over from the previous question); ``places`` every place name a Swedish question
    names, covered or not; ``implied_municipality`` the place a follow-up asks to filter on.  A question
    read in its conversation also carries the passages the previous reply ``cited`` and what it ``follows``
    up on ("example", "next"; ``conversation.follows_kind``), which ranking features read.
    """

    typed: str
    text: str
    language: Language = "sv"
    intent: Intent = "general"
    role: str | None = None
    municipality: str | None = None
    places: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    asks_tips: bool = False
    follow_up: bool = False
    searched: str = ""
    implied_municipality: str | None = None
    bridges: tuple[Bridge, ...] = ()
    """The searched words the documents never use, each with words they use for it (``bridges.py``)."""
    cited: tuple[str, ...] = ()
    led: tuple[str, ...] = ()
    """A follow-up's previous reply's lead sentences (``Conversation.sentences``)."""
    follows: str = ""

    @property
    def changed(self) -> bool:
        return self.text != self.typed

    @property
    def search_text(self) -> str:
        return self.searched or self.text

    @classmethod
    def plain(cls, text: str) -> Query:
        """A query taken as typed, with nothing read from it (benchmarks, the ``bm25``/``dense`` methods)."""
        return cls(text, text)


def language_of(text: str) -> Language:
    """ "en" when English function words outnumber Swedish ones (at least two), else "sv"."""
    found = [w.lower() for w in WORD.findall(text)]
    english = sum(w in ENGLISH_WORDS for w in found)
    swedish = sum(w in SWEDISH_WORDS or w in CHAT_FORMS for w in found)
    return "en" if english >= 2 and english > swedish else "sv"


def corpus_words(passages: Iterable[Passage]) -> set[str]:
    """The words a :class:`Speller` mends towards: every passage's section, speaker and text (stored by the index
    build, since reading a million passages' words takes minutes)."""
    return {w for p in passages for w in words(f"{p.section} {p.speaker or ''} {p.text}")}


HYPHENATED_WORD = re.compile(rf"{WORD.pattern}(?:-{WORD.pattern})*")
"""A word with its hyphenated parts ("e-röstning", "CEMR-deklarationen"): mended as a whole, so left alone."""


class Speller:
    """Mends words against the corpus vocabulary and common Swedish."""

    def __init__(self, corpus_words: set[str]) -> None:
        self.corpus_words = sorted(corpus_words)
        self._known = set(self.corpus_words)
        self._by_folding: dict[str, str] = {}
        for word in self.corpus_words:
            self._by_folding.setdefault(word.translate(FOLD), word)
        self.mend_word = lru_cache(maxsize=16384)(self._mended_in_case)

    def _mended_in_case(self, word: str) -> str:
        """The mended word, capitalised when it was typed so ("Gällivre" → "Gällivare", not "gällivare")."""
        mended = self._mend_word(word)
        return mended[:1].upper() + mended[1:] if word[:1].isupper() else mended

    def _mend_word(self, word: str) -> str:
        lower = word.lower()
        if "-" in word or any(c.isdigit() for c in word) or (len(lower) >= 3 and lower in self._known):
            return word  # a hyphenated word ("e-röstning"), a number or year, a word the documents use
        if lower in CHAT_FORMS:
            return CHAT_FORMS[lower]
        if lower in self._known or len(lower) < 4:
            return word
        typed = zipf_frequency(lower, "sv")
        accented = self._by_folding.get(lower.translate(FOLD)) or _common_by_folding().get(lower.translate(FOLD))
        if accented and accented != lower and (typed == 0 or zipf_frequency(accented, "sv") - typed >= DIACRITIC_GAIN):
            return accented
        if typed >= UNKNOWN_ZIPF:
            return word
        limit = 1 if len(lower) < 9 else 2
        match = process.extractOne(lower, self.corpus_words, scorer=Levenshtein.distance, score_cutoff=limit)
        if match is None or normal_forms(match[0])[0] == normal_forms(lower)[0]:
            return word  # no near corpus word, or only another inflection of the same word
        return str(match[0])

    def mend(self, text: str) -> str:
        """``text`` with each word mended; everything between words kept (a hyphenated word is one word)."""
        return HYPHENATED_WORD.sub(lambda m: self.mend_word(m.group(0)), text)


@lru_cache(maxsize=1)
def _common_by_folding() -> dict[str, str]:
    """The most common Swedish word for each å/ä/ö-folded spelling (wordfreq's top list)."""
    found: dict[str, str] = {}
    for word in top_n_list("sv", DIACRITIC_VOCABULARY):
        found.setdefault(word.translate(FOLD), word)
    return found


def mend(question: str, speller: Speller) -> tuple[str, Language]:
    """The text to search for ``question`` and its language: English as typed, Swedish mended."""
    language = language_of(question)
    text = question if language == "en" else re.sub(r"\s+", " ", speller.mend(question)).strip()
    return text, language
