"""Does the report answer this question?  Decided from the question's focus, not from one score.

A question near the report's topic that it cannot answer — another
municipality, a year it does not cover, a figure it never gives — still finds
passages about the programme in general with fair scores.  Presenting those as
the answer is the worst failure of a tool whose promise is "the report's own
words", so the decision looks at what the question is *about*:

- a place named in the question that the report does not cover (a list of
  Swedish municipalities, since chat users type "kiruna" in lower case);
- a year the report never mentions;
- a figure asked for ("hur många", "hur stor", "vilken budget") where the best
  sentences contain no number;
- then the match itself: the best sentence's cosine, the best BM25 score, and
  a stricter cosine when a specific word of the question is absent from the
  report.

Thresholds were calibrated on the development set (``assistant eval``; README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.search.lexical import STOPWORDS, name_key, name_keys, normal_forms, words
from assistant.search.query import Query
from assistant.search.retrieve import Hit

SENTENCE_THRESHOLD = 0.83
"""Best sentence cosine that counts as an answer on its own (default model)."""
LEXICAL_THRESHOLD = 6.0
"""Best BM25 score that counts as an answer on its own."""
ABSENT_WORD_THRESHOLD = 0.87
"""Best sentence cosine needed when a specific word of the question is absent from the report."""
ENGLISH_THRESHOLD = 0.80
"""Best sentence cosine for a question in another language (no BM25 there); cross-language cosines run lower."""
SPECIFIC_WORD_CHARS = 7
"""Absent words at least this long count as specific (shorter ones are mostly chat, verbs and small words)."""
FIGURE_QUESTION = re.compile(
    r"\b(hur (många|mycket|stor|stora|stort|hög|höga|högt|lång|långa)|vilken budget|andel(en)?|procent|antal(et)?|"
    r"kostade|kostar|budget(en)?|how (many|much|big|high))\b",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|femton|tjugo|hundra|procent)\b", re.I)
"""A figure in a sentence ("en"/"ett" are articles far more often than numbers, so they do not count)."""
YEAR = re.compile(r"\b(19|20)\d\d\b")
SWEDISH_MUNICIPALITIES = """
    Arjeplog Arvidsjaur Boden Gällivare Haparanda Jokkmokk Kalix Kiruna Luleå Pajala Piteå Älvsbyn
    Överkalix Övertorneå Umeå Skellefteå Lycksele Vilhelmina Storuman Sorsele Malå Norsjö Robertsfors
    Vindeln Vännäs Bjurholm Nordmaling Dorotea Åsele Örnsköldsvik Sundsvall Härnösand Kramfors Sollefteå
    Timrå Östersund Krokom Åre Strömsund Stockholm Göteborg Malmö Uppsala Västerås Örebro Linköping
    Helsingborg Jönköping Norrköping Lund Gävle Borås Södertälje Eskilstuna Halmstad Växjö Karlstad
    Falun Kristianstad Kalmar Visby Gotland Trollhättan Uddevalla Borlänge Mora Karlskrona Nacka Solna
    Huddinge Botkyrka
""".split()
"""Swedish municipalities a user may ask about (Norrbotten and its neighbours, then the largest)."""


@dataclass(frozen=True)
class Decision:
    """Whether the report answers, and if not, why (in the user's terms)."""

    answered: bool
    reason: str  # "answered", "place", "year", "figure", "weak_match"
    not_covered: tuple[str, ...] = ()
    absent_words: tuple[str, ...] = ()
    covered: tuple[str, ...] = ()  # with reason "place": the places the report is about


@dataclass(frozen=True)
class CorpusFacts:
    """What the decision needs to know about the corpus."""

    forms: frozenset[str]  # normal forms of every word in the corpus
    place_order: tuple[str, ...]  # municipalities the report covers (as speakers), in order of appearance
    years: frozenset[str]

    @property
    def places(self) -> frozenset[str]:
        return frozenset(self.place_order)

    @classmethod
    def of(cls, texts: list[str], places: list[str]) -> CorpusFacts:
        forms = {form for text in texts for word in words(text) for form in normal_forms(word)}
        years = {match.group(0) for text in texts for match in YEAR.finditer(text)}
        return cls(frozenset(forms), tuple(dict.fromkeys(places)), frozenset(years))


_PLACES = {name_key(name): name for name in SWEDISH_MUNICIPALITIES}


def places_named(text: str) -> list[str]:
    """Swedish municipalities named in ``text`` (any case, å/ä/ö optional, genitive -s allowed)."""
    found = []
    for word in words(text):
        name = next((_PLACES[key] for key in name_keys(word) if key in _PLACES), None)
        if name and name not in found:
            found.append(name)
    return found


def absent_words(text: str, facts: CorpusFacts) -> list[str]:
    """Specific words of ``text`` that the corpus never uses (in any inflection or as a compound part)."""
    return [
        w
        for w in dict.fromkeys(words(text))
        if len(w) >= SPECIFIC_WORD_CHARS and w not in STOPWORDS and not set(normal_forms(w)) & facts.forms
    ]


def _best_sentence(hits: list[Hit]) -> float:
    """The best sentence cosine among the top hits (their dense score where sentences are unknown)."""
    return max((h.sentence_scores[0] if h.sentence_scores else h.dense) for h in hits[:5])


def _has_figure(hits: list[Hit]) -> bool:
    return any(NUMBER.search(sentence) for h in hits[:3] for sentence in h.sentences[:2])


def decide(query: Query, hits: list[Hit], facts: CorpusFacts) -> Decision:
    """Answered or not, with the reason and the words the report lacks."""
    if not hits:
        return Decision(False, "weak_match")
    missing_places = [p for p in places_named(query.text) if p not in facts.places]
    if missing_places:
        return Decision(False, "place", tuple(missing_places), covered=facts.place_order)
    years = dict.fromkeys(match.group(0) for match in YEAR.finditer(query.text))
    missing_years = [year for year in years if year not in facts.years]
    if missing_years:
        return Decision(False, "year", tuple(missing_years))
    absent = tuple(absent_words(query.text, facts)) if query.language == "sv" else ()
    if FIGURE_QUESTION.search(query.text) and not _has_figure(hits):
        return Decision(False, "figure", absent, absent)
    best = _best_sentence(hits)
    if query.language != "sv":
        return Decision(best >= ENGLISH_THRESHOLD, "answered" if best >= ENGLISH_THRESHOLD else "weak_match")
    lexical = max(h.lexical for h in hits)
    threshold = ABSENT_WORD_THRESHOLD if absent else SENTENCE_THRESHOLD
    if best >= threshold or (lexical >= LEXICAL_THRESHOLD and not absent):
        return Decision(True, "answered", (), absent)
    return Decision(False, "weak_match", absent, absent)
