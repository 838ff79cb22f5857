"""Do the documents searched answer this question?  A calibrated probability, after two plain rules.

A question near the report's topic that it cannot answer — another municipality, a year it does not
cover, a figure it never gives — still finds passages about the programme in general with fair scores.
Presenting those as the answer is the worst failure of a tool whose promise is "the report's own words".

- A place a Swedish question names that the documents never mention, or a year they never mention,
  declines at once: the reason is plain and the decline can say it.
- Otherwise a logistic model over named features (the best sentence and passage cosines, BM25, the
  ranker's top score and margin, the question's specific words absent from the documents, a figure
  asked for and none in the best sentences, English, and how much the question's wording reads like the
  questions the documents answer) gives the probability that the question is answered; one threshold
  decides.  All are fitted by ``assistant tune`` on the development set.

The wording score matters most for near-topic questions in the report's own words that ask for what it does
not say (a salary, another municipality's results, what happened after the programme): retrieval finds
passages for their words, but their form ("Vad tjänar …", "Vilket parti styr …") is that of questions the
development set marks out of scope.  It is a linear model over the question's own embedding (not the
adapted one), learned in-scope against out-of-scope (``wording``); cross-validated on development it raised
the decision's AUC over single questions from 0.920 to 0.97 (2026-12-07).  Its neighbour, ``wording_neighbours``,
reads the development questions nearest to the question instead of one boundary (:func:`neighbour_score`).

A declined reply says why in one sentence (``decline_message``).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.reply.body import Decline
from assistant.search.coverage import Coverage
from assistant.search.learned import LinearModel
from assistant.search.lexical import STOPWORDS, compound_parts, inflected_verb, normal_forms, tokenize, words
from assistant.search.query import Query
from assistant.search.retrieve import Hit

Reason = Literal["answered", "place", "year", "figure", "weak_match"]
SPECIFIC_WORD_CHARS = 7
"""Absent words at least this long count as specific (shorter ones are mostly chat, verbs and small words)."""
FIGURE_IN_TEXT = re.compile(
    r"\d|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|femton|tjugo|hundra|procent)\b", re.I
)
"""A figure in a sentence ("en"/"ett" are articles far more often than numbers, so they do not count)."""
DURATION_QUESTION = re.compile(r"\b(hur (lång tid|länge)|how long)\b", re.I)
TIME_IN_TEXT = re.compile(r"\b(tid|tiden|länge|långsiktig\w*|år|åren|månad\w*|veck\w*|time|years?)\b", re.I)
"""A duration question ("Hur lång tid tar det innan man ser skillnad?") is met by a time the report states in words
("det tar tid", "över flera år", "på lång sikt"), not only by a number."""
TOP_HITS = 5
"""The hits whose sentences the features look at (the reply shows about this many)."""
FIGURE_HITS = 3
FIGURE_SENTENCES = 2
"""A figure asked for is met when one of the best sentences (this many) of the best hits (this many) holds one:
about what the lead and the first quotes show."""
DECISION_FEATURES = (
    "best_sentence_cos",
    "best_passage_cos",
    "bm25_log",
    "ranker_top",
    "ranker_margin",
    "absent_words",
    "coverage",
    "figure_unmet",
    "english",
    "english_cos",
    "advice",
    "figure",
    "speaker",
    "follow_up",
    "wording",
    "wording_neighbours",
)
"""The decision model's inputs, in the order of its weights."""
REPORT_PRIORS = ("advice", "figure", "speaker", "wording", "wording_neighbours")
"""The inputs that describe the bundled report's development questions rather than how well the documents match:
how they are worded, and how often a kind of question is answered there (the report gives few figures: "figure"
weighs about -2.5).  Left out of the decision for a question another document answers best
(``Learned.other_decision``): with them, "Hur många kommunpolitiker lämnar sitt uppdrag i förtid?" was declined
though the added SKL report answers it word for word (new-user trial, 2026-12-07, fifth session)."""
NEIGHBOURS = 3
"""How many nearest development questions of each side :func:`neighbour_score` averages (k=3 chosen out of fold on
the decision rows, 2026-12-07, fourth session).  With the feature, ``assistant tune`` on 1,972 questions: the
decision's cross-validated AUC 0.988 → 0.990, out-of-scope declined 0.949 → 0.955, in-scope answered 0.940 →
0.942 (docs/evaluation.md)."""


@dataclass(frozen=True)
class Decision:
    """Whether the documents answer, and if not, why (in the user's terms)."""

    answered: bool
    reason: Reason
    not_covered: tuple[str, ...] = ()
    absent_words: tuple[str, ...] = ()
    covered: tuple[str, ...] = ()  # with reason "place": the places the documents are about
    probability: float | None = None


def absent_words(query: Query, coverage: Coverage) -> list[str]:
    """Specific words of the question that the documents never use (in any inflection or as a compound part), nor
    say in other words (a bridged word whose bridge they use is not absent), nor use every part of (the report
    says "pilotverksamheterna" and "projekt": "pilotprojektet" is not foreign to it)."""
    if query.language != "sv":
        return []
    covered = coverage.forms | coverage.bridged(query.bridges)
    return [
        w
        for w in dict.fromkeys(words(query.text))
        if len(w) >= SPECIFIC_WORD_CHARS
        and w not in STOPWORDS
        and not set(normal_forms(w)) & covered
        and not _parts_covered(w, covered)
    ]


def _parts_covered(word: str, covered: AbstractSet[str]) -> bool:
    """Whether ``word`` is a compound whose every part the documents use."""
    parts = compound_parts(word)
    return bool(parts) and set(parts) <= covered


def _figure_unmet(query: Query, hits: list[Hit]) -> bool:
    """A figure is asked for and none of the best sentences holds a number (or, for a duration, a time)."""
    if query.intent != "figure":
        return False
    duration = DURATION_QUESTION.search(query.text)
    best = [s for h in hits[:FIGURE_HITS] for s in h.sentences[:FIGURE_SENTENCES]]
    return not any(FIGURE_IN_TEXT.search(s) or (duration and TIME_IN_TEXT.search(s)) for s in best)


def wording_score(vector: np.ndarray, wording: np.ndarray | None) -> float:
    """How much a question's own vector reads like the questions the documents answer: the logit of the linear
    model ``wording`` (d weights, then the bias); 0 (no evidence) without one."""
    if wording is None or len(wording) != len(vector) + 1:
        return 0.0
    return float(vector @ wording[:-1] + wording[-1])


def neighbour_score(vector: np.ndarray, examples: np.ndarray | None) -> float:
    """How much nearer a question's own vector lies to the development questions the documents answer than to
    those they do not: the mean cosine to its :data:`NEIGHBOURS` nearest in-scope ones minus the same for the
    out-of-scope ones.  ``examples`` holds one row per question, its unit vector and then 1 (in scope) or 0; 0 (no
    evidence) without them.  Where the linear ``wording`` model draws one boundary, this reads the questions
    nearest, so a plain question near answered ones ("Vilka kommuner deltog?") is not overruled by the boundary."""
    if examples is None or examples.shape[1] != len(vector) + 1:
        return 0.0
    inside = examples[:, -1] > 0.5
    if min(int(inside.sum()), int((~inside).sum())) < NEIGHBOURS:
        return 0.0
    cosines = examples[:, :-1].astype(np.float32, copy=False) @ vector.astype(np.float32, copy=False)
    return float(np.sort(cosines[inside])[-NEIGHBOURS:].mean() - np.sort(cosines[~inside])[-NEIGHBOURS:].mean())


def decision_features(
    query: Query,
    hits: list[Hit],
    coverage: Coverage,
    absent: list[str],
    wording: float = 0.0,
    neighbours: float = 0.0,
) -> np.ndarray:
    """One row of ``DECISION_FEATURES`` for a question and its ranked hits (``wording``: :func:`wording_score`,
    ``neighbours``: :func:`neighbour_score`)."""
    top = hits[:TOP_HITS]
    best_sentence = max((h.sentence_scores[0] if h.sentence_scores else h.dense) for h in top)
    english = query.language != "sv"
    tokens = set(tokenize(query.text))
    covered = coverage.forms | coverage.bridged(query.bridges)
    values = {
        "best_sentence_cos": best_sentence,
        "best_passage_cos": max(h.dense for h in top),
        "bm25_log": np.log1p(max(h.lexical for h in top)),
        "ranker_top": top[0].logit,
        "ranker_margin": top[0].logit - top[1].logit if len(top) > 1 else 0.0,
        "absent_words": len(absent),
        "coverage": len(tokens & covered) / len(tokens) if tokens and not english else 1.0,
        "figure_unmet": _figure_unmet(query, hits),
        "english": english,
        "english_cos": best_sentence if english else 0.0,
        "advice": query.intent == "advice" or query.asks_tips,
        "figure": query.intent == "figure",
        "speaker": bool(query.role or query.municipality),
        "follow_up": query.follow_up,
        "wording": wording,
        "wording_neighbours": neighbours,
    }
    return np.array([[float(values[name]) for name in DECISION_FEATURES]], dtype=np.float32)


def decide(
    query: Query,
    hits: list[Hit],
    coverage: Coverage,
    quoted: tuple[str, ...],
    model: LinearModel,
    threshold: float,
    wording: float = 0.0,
    neighbours: float = 0.0,
) -> Decision:
    """Answered or not, with the reason and the words the documents lack.  Every absent word counts for the
    decision, but an inflected verb is not named to the user: that the report never says "funkade" or "kostade"
    says little about whether it answers (the new-user trials saw replies open with such a notice).

    ``coverage`` is that of the documents searched; ``quoted`` the municipalities they quote, named in
    a decline ("… – den handlar om Kalix, …"); ``wording`` and ``neighbours`` the question's
    :func:`wording_score` and :func:`neighbour_score`.
    """
    if not hits:
        return Decision(False, "weak_match")
    missing_places = [p for p in query.places if p not in coverage.places]
    if missing_places:
        return Decision(False, "place", tuple(missing_places), covered=quoted)
    missing_years = [year for year in query.years if year not in coverage.years]
    if missing_years:
        return Decision(False, "year", tuple(missing_years))
    absent = absent_words(query, coverage)
    row = decision_features(query, hits, coverage, absent, wording, neighbours)
    probability = float(model.probability(row)[0])
    named = tuple(word for word in absent if not inflected_verb(word))
    if probability >= threshold:
        return Decision(True, "answered", (), named, probability=probability)
    reason: Reason = "figure" if _figure_unmet(query, hits) else "weak_match"
    return Decision(False, reason, named, named, probability=probability)


def _names(values: tuple[str, ...]) -> str:
    return " och ".join(", ".join(values).rsplit(", ", 1))


def words_named(words: tuple[str, ...]) -> str:
    """The question's own words quoted, whatever their word class: 'ordet ”förankrar”', 'orden ”a” och ”b”'."""
    return ("ordet " if len(words) == 1 else "orden ") + _names(tuple(f"”{w}”" for w in words))


def decline_message(decision: Decision, scope: str = "Rapporten") -> Decline:
    """What the documents searched (``scope``) do not cover, concretely, in Swedish."""
    names = _names(decision.not_covered)
    if decision.reason == "place":
        covered = _names(decision.covered)
        pronoun = {"Rapporten": "den", "Dokumenten": "de"}.get(scope, "det")
        about = f" – {pronoun} handlar om {covered}" if covered else ""
        return Decline(f"{scope} nämner inte {names}{about}.")
    if decision.reason == "year":  # the year is one reason, not the only one: "2019" would not answer it either
        return Decline(f"{scope} nämner inte {names}", "och verkar inte svara på frågan.")
    if decision.reason == "figure":
        about = f" och använder inte {words_named(decision.not_covered)}" if names else ""
        return Decline(f"{scope} anger inga sådana siffror{about}.")
    if names:
        return Decline(f"{scope} använder inte {words_named(decision.not_covered)}", "och verkar inte svara på frågan.")
    nearest = "Här är det som ligger närmast – läs det med det i åtanke."
    return Decline(f"{scope} verkar inte svara på den frågan.", nearest)
