"""Swedish tokens for BM25: lower case, stopwords out, Snowball stems, å/ä/ö folded.

Folding after stemming makes "jamstalldhet forskolan" (typed without å/ä/ö)
meet "jämställdhet förskolan": both sides become ``jamstalld… forskol``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
WORD = re.compile(r"[^\W_]+")
SUPERSCRIPTS = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")
STOPWORDS = frozenset(STOPWORDS_SWEDISH) | frozenset(w.translate(FOLD) for w in STOPWORDS_SWEDISH)
_STEMMER = Stemmer.Stemmer("swedish")


@lru_cache(maxsize=65536)
def _normal_form(word: str) -> str:
    return _STEMMER.stemWord(word).translate(FOLD)


def words(text: str) -> list[str]:
    """Lower-cased words of a text, without footnote superscripts."""
    return WORD.findall(text.translate(SUPERSCRIPTS).lower())


def tokenize(text: str) -> list[str]:
    """BM25 tokens of a text (the same function for passages and queries)."""
    return [_normal_form(word) for word in words(text) if word not in STOPWORDS]
