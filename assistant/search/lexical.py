"""Swedish words for BM25, highlighting and reply selection: lemmas, compound parts, stems.

Each word becomes one or more *normal forms*: its lemma (``simplemma``'s
Swedish data: "säger" → "säga", "kommunerna" → "kommun"), and for a compound
the dictionary does not know, the compound and its parts ("styrkedjan" →
"styrkedja", "styra", "kedja"; "kommunbudget" → "kommunbudget", "kommun",
"budget").  Each form is then Snowball-stemmed (which catches inflections the
lemma list lacks) and å/ä/ö-folded, so "jamstalldhet forskolan" typed without
å/ä/ö meets "jämställdhet förskolan".  Stopwords are dropped.

This mix ranked best on the development set against Snowball stems, lemmas
alone, and lemma then stem (BM25 alone; figures in docs/evaluation.md, "What
we tried").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import simplemma
import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

from assistant.documents.names import name_key

FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
WORD = re.compile(r"[^\W_]+")
SUPERSCRIPTS = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")
MODAL_VERBS = ("ska", "skall", "vill", "måste", "bör")
"""Not in bm25s's Swedish list, carry no topic, and their lemmas collide with content words ("ska" → "skola")."""
STOPWORDS = frozenset((*STOPWORDS_SWEDISH, *MODAL_VERBS)) | frozenset(
    w.translate(FOLD) for w in (*STOPWORDS_SWEDISH, *MODAL_VERBS)
)
MIN_PART = 4
"""Shortest compound part: shorter known words ("het", "mun") split compounds wrongly."""
MIN_COMPOUND = 8
LINKING = ("s", "e")
"""Linking letters between compound parts: "jämställdhet-s-arbete", "flick-e-…" is rare; "s" is the common one."""

_STEMMER = Stemmer.Stemmer("swedish")
_LOCK = threading.Lock()
"""PyStemmer and simplemma are not documented as thread-safe; the chat answers from several threads."""


def words(text: str) -> list[str]:
    """Lower-cased words of a text, without footnote superscripts."""
    return WORD.findall(text.translate(SUPERSCRIPTS).lower())


def _known(word: str) -> bool:
    return len(word) >= MIN_PART and simplemma.is_known(word, lang="sv")


def _lemma(word: str) -> str:
    return str(simplemma.lemmatize(word, lang="sv")).lower()


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A lower-case word's dictionary form ("lärarna" → "lärare", "kostar" → "kosta"), by simplemma."""
    with _LOCK:
        return _lemma(word)


VERB_ENDINGS = ("r", "de", "t", "s", "des", "ts", "er", "te", "tes", "es", "dde", "tt")
"""What a Swedish verb adds to its infinitive ("kosta-r", "kosta-de") or to its stem ("undvik-er", "ansök-te")."""


def inflected_verb(word: str) -> bool:
    """Whether a lower-case word is an inflected verb ("kostade", "undviker", "rekommenderas"): its lemma ends in
    "-a" and the word is that lemma, or its stem, with a verb's ending.  Nouns in "-a" inflect with "-or" and
    "-an" instead; a few pass as verbs ("historier", a genitive "flickas").  An infinitive is not told from such
    a noun ("rekrytera", "flicka"), so it is not counted."""
    base = lemma(word)
    if word == base or not base.endswith("a"):
        return False
    return any(word in (base + ending, base[:-1] + ending) for ending in VERB_ENDINGS)


@dataclass(frozen=True)
class _Compound:
    """A compound's part lemmas and where its last part (the head) starts in the word."""

    parts: tuple[str, ...]
    head_start: int


def _split(word: str) -> _Compound | None:
    """The best split of an unknown compound: fewest parts, then the longest first part; None if none."""
    best: tuple[tuple[int, int], _Compound] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        left, right = word[:cut], word[cut:]
        tail = _Compound((_lemma(right),), 0) if _known(right) else _split(right)
        if tail is None:
            continue
        modifiers = [left] + [left[: -len(link)] for link in LINKING if left.endswith(link)]
        first = next((m for m in modifiers if _known(m)), None)
        if first is not None:
            rank = (-(1 + len(tail.parts)), len(first))
            if best is None or rank > best[0]:
                best = (rank, _Compound((_lemma(first), *tail.parts), cut + tail.head_start))
    return best[1] if best else None


@lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The BM25 tokens of a compound's parts, whether or not the dictionary knows the whole word
    ("pilotprojektet" → "pilot", "projekt"); () for a word that does not split."""
    if len(word) < MIN_COMPOUND:
        return ()
    with _LOCK:
        compound = _split(word)
        if compound is None:
            return ()
        return tuple(dict.fromkeys(_STEMMER.stemWord(part).translate(FOLD) for part in compound.parts))


_stored: dict[str, tuple[str, ...]] = {}
"""The normal forms stored with the index loaded last (:func:`use_stored_forms`): replaced on every load, never
merged, so a server that rebuilds holds one index's table. Forms are deterministic: a word not in it is computed."""


def stem(word: str) -> str:
    """A lower-case word's Snowball stem, accents folded, without lemmatising it first."""
    with _LOCK:
        return _STEMMER.stemWord(word).translate(FOLD)


def normal_forms(word: str) -> tuple[str, ...]:
    """The BM25 tokens of one lower-case word: its lemma, and for an unknown compound also its parts.

    The compound itself is kept with its head lemmatised ("styrkedjan" → "styrkedja"),
    so a whole-word match still outweighs a match on one part.  Forms stored with the index are
    looked up; only other words load simplemma's dictionary (1–2 s the first time).
    """
    stored = _stored.get(word)
    return stored if stored is not None else _computed_forms(word)


def forms_table(vocabulary: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The normal forms of every word of ``vocabulary``, to store with an index."""
    return {word: _computed_forms(word) for word in sorted(set(vocabulary))}


def use_stored_forms(table: Mapping[str, Sequence[str]]) -> None:
    """Use the normal forms an index stored (instead of any earlier index's), so a question need not load simplemma."""
    global _stored
    _stored = {word: tuple(forms) for word, forms in table.items()}


@lru_cache(maxsize=65536)
def _computed_forms(word: str) -> tuple[str, ...]:
    with _LOCK:
        lemmas: tuple[str, ...] = (_lemma(word),)
        compound = _split(word) if len(word) >= MIN_COMPOUND and not _known(word) else None
        if compound:
            lemmas = (word[: compound.head_start] + compound.parts[-1], *compound.parts)
        return tuple(dict.fromkeys(_STEMMER.stemWord(lemma).translate(FOLD) for lemma in lemmas))


def name_keys(word: str) -> tuple[str, ...]:
    """The keys a word can name something by: itself, and without a genitive -s ("Gällivares")."""
    key = name_key(word)
    return (key, key[:-1]) if key.endswith("s") else (key,)


def tokenize(text: str) -> list[str]:
    """BM25 tokens of a text (the same function for passages and queries)."""
    return [form for word in words(text) if word not in STOPWORDS for form in normal_forms(word)]
