"""Named features of a (question, candidate passage) pair, for the learned ranker.

Each feature is a number a person can read: how close the passage and its best sentences are to the
question, how much BM25 likes it, what kind of passage it is, whether its speaker is the one the
question names, and whether its kind is what the question's intent asks for.  A question read in its
conversation adds where the passage stands to what the previous reply cited (``cited_*``: the same
passage, its section, the passage after it, the quote and commentary beside it) and what the follow-up
asks of it ("exempel" → an example beside it, "hur gick det sen" → the passage after, "varför" → its
section).  The ranker is a linear model over these plus one small tanh layer that learns how they act
together (weights learned by ``assistant tune``), so its inputs stay ones a person can read and a new corpus or
model is fitted the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from assistant.search.passage_store import MISSING, PassageStore
from assistant.search.query import Query

PASSAGE_FEATURES = (
    "passage_cos",
    "sentence_cos",
    "sentence_cos2",
    "dense_gap",
    "bm25_log",
    "bm25_share",
    "quote",
    "tip",
    "commentary",
    "role_match",
    "role_other",
    "town_match",
    "town_other",
    "advice_tip",
    "advice_quote",
    "advice_important",
    "tips_asked_tip",
    "said_quote",
    "did_paragraph",
    "definition_paragraph",
    "reason_paragraph",
    "figure_number",
    "length",
    "cited_lead",
    "cited_other",
    "cited_section",
    "cited_next",
    "cited_beside",
    "example_beside",
    "next_after",
    "reason_section",
    "own_cos",
    "own_bm25_share",
    "cited_cos",
)
"""The ranker's inputs, in the order of its weights (``assistant/learned/weights.json``)."""

PASSAGE_VECTOR_WEIGHT = 0.5
"""A passage's dense score = this × its own cosine + the rest × its best sentence's (both sides embedded with
context; measured: docs/evaluation.md, "What we tried")."""
IMPORTANT = re.compile(r"\b(viktig\w*|vikten|avgörande|nyckel\w*|måste|behöver|bör|gäller att)\b", re.IGNORECASE)
"""Forms that give advice in the report ("det är viktigt att …", "man måste …"); a passage's and a lead
sentence's feature alike."""
NUMBER = re.compile(r"\d")
"""A digit: a passage or sentence that can answer "hur många …?"."""


def text_facts(texts: Iterable[str]) -> np.ndarray:
    """What the ranker reads from each text — advice words, a number (1 or 0), the log length — one float32 row
    per text.  Computed by the index build and stored: over a million texts the regexes take seconds, and
    read per candidate at query time they made retrieval at 1,000,000 passages slower (docs/scale.md)."""
    rows = [(bool(IMPORTANT.search(t)), bool(NUMBER.search(t)), np.log1p(len(t))) for t in texts]
    return np.array(rows, dtype=np.float32).reshape(-1, 3)


@dataclass(frozen=True)
class PassageFacts:
    """Per-passage values the features need (arrays aligned with the passages), from the index's columns."""

    passages: PassageStore
    kinds: np.ndarray
    roles: np.ndarray
    towns: np.ndarray
    commentary: np.ndarray
    important: np.ndarray
    numbers: np.ndarray
    length: np.ndarray
    sections: np.ndarray
    documents: np.ndarray
    discusses: np.ndarray

    @classmethod
    def of(cls, passages: PassageStore, texts: np.ndarray) -> PassageFacts:
        """``texts``: the passages' :func:`text_facts`."""
        return cls(
            passages,
            kinds=passages.column("kind"),
            roles=passages.column("role", ""),
            towns=passages.column("municipality", ""),
            commentary=passages.codes("discusses") != MISSING,
            important=texts[:, 0] > 0,
            numbers=texts[:, 1] > 0,
            length=np.ascontiguousarray(texts[:, 2]),
            sections=passages.codes("section"),
            documents=passages.codes("document"),
            discusses=passages.codes("discusses"),
        )

    def cited_facts(self, cited: tuple[str, ...], candidates: np.ndarray) -> dict[str, np.ndarray]:
        """Where each candidate stands to the passages the previous reply cited (ids, the lead's first)."""
        found = [p for p in map(self.passages.position, cited) if p is not None]
        if not found:
            none = np.zeros(len(candidates), dtype=bool)
            return dict.fromkeys(("cited_lead", "cited_other", "cited_section", "cited_next", "cited_beside"), none)
        lead = found[0]
        codes = {value: code for code, value in enumerate(self.passages.values("discusses"))}
        commentary_of_cited = [codes[i] for i in cited if i in codes]
        discussed = self.passages.values("discusses")
        quotes = [self.passages.position(discussed[self.discusses[p]]) for p in found if self.discusses[p] != MISSING]
        quote_of_cited = [q for q in quotes if q is not None]
        is_cited = np.isin(candidates, found)
        same_document = self.documents[candidates] == self.documents[lead]
        beside = np.isin(self.discusses[candidates], commentary_of_cited) | np.isin(candidates, quote_of_cited)
        return {
            "cited_lead": candidates == lead,
            "cited_other": is_cited & (candidates != lead),
            "cited_section": same_document & (self.sections[candidates] == self.sections[lead]) & ~is_cited,
            "cited_next": same_document & (candidates == lead + 1),
            "cited_beside": beside & ~is_cited,
        }


def passage_features(
    query: Query,
    facts: PassageFacts,
    candidates: np.ndarray,
    passage_cos: np.ndarray,
    sentence_cos: list[np.ndarray],
    bm25: np.ndarray,
    own_cos: np.ndarray | None = None,
    cited_cos: np.ndarray | None = None,
    own_bm25: np.ndarray | None = None,
) -> np.ndarray:
    """One row of ``PASSAGE_FEATURES`` per candidate (``bm25`` holds the candidates' BM25 scores).

    A question read in its conversation also gives ``own_cos``, the candidates' dense score for the question
    alone (the topic in front can drown "Hur gick det sen?"), ``own_bm25``, their BM25 for the question's own words
    (read as ``own_bm25_share``, against the best candidate's: "Vad säger HR om det?" names the one word that finds
    its passage, and the topic's words outnumber it in the searched text), and ``cited_cos``, their passage cosine to
    the passage the previous reply led with; all are 0 otherwise."""
    best = np.array([c.max() if len(c) else p for c, p in zip(sentence_cos, passage_cos, strict=True)])
    second = np.array(
        [np.sort(c)[-2] if len(c) > 1 else b for c, b in zip(sentence_cos, best, strict=True)], dtype=np.float32
    )
    dense = PASSAGE_VECTOR_WEIGHT * passage_cos + (1 - PASSAGE_VECTOR_WEIGHT) * best
    kinds, roles, towns = facts.kinds[candidates], facts.roles[candidates], facts.towns[candidates]
    quote, tip = kinds == "quote", kinds == "tip"
    paragraph = kinds == "paragraph"
    top = float(bm25.max()) if len(bm25) else 0.0
    town = query.municipality
    mentions = np.zeros(len(candidates), dtype=bool)
    if town:
        mentions[:] = [town in facts.passages.texts[c] for c in candidates.tolist()]
    intent = query.intent
    cited = facts.cited_facts(query.cited, candidates)
    columns = {
        "passage_cos": passage_cos,
        "sentence_cos": best,
        "sentence_cos2": second,
        "dense_gap": dense - (dense.max() if len(dense) else 0.0),
        "bm25_log": np.log1p(bm25),
        "bm25_share": bm25 / top if top > 0 else np.zeros_like(bm25),
        "quote": quote,
        "tip": tip,
        "commentary": facts.commentary[candidates],
        "role_match": bool(query.role) & (roles == query.role),
        "role_other": bool(query.role) & quote & (roles != query.role),
        "town_match": bool(town) & ((towns == town) | mentions),
        "town_other": bool(town) & quote & (towns != town),
        "advice_tip": (intent == "advice") & tip,
        "advice_quote": (intent == "advice") & quote,
        "advice_important": (intent == "advice") & facts.important[candidates],
        "tips_asked_tip": query.asks_tips & tip,
        "said_quote": (intent == "said") & quote,
        "did_paragraph": (intent == "did") & paragraph,
        "definition_paragraph": (intent == "definition") & paragraph,
        "reason_paragraph": (intent == "reason") & paragraph,
        "figure_number": (intent == "figure") & facts.numbers[candidates],
        "length": facts.length[candidates],
        **cited,
        "example_beside": (query.follows == "example") & quote & (cited["cited_beside"] | cited["cited_section"]),
        "next_after": (query.follows == "next") & cited["cited_next"],
        "reason_section": (intent == "reason") & (cited["cited_section"] | cited["cited_next"]),
        "own_cos": np.zeros(len(candidates)) if own_cos is None else own_cos,
        "own_bm25_share": _share(own_bm25, len(candidates)),
        "cited_cos": np.zeros(len(candidates)) if cited_cos is None else cited_cos,
    }
    return np.column_stack([np.asarray(columns[name], dtype=np.float32) for name in PASSAGE_FEATURES])


def _share(scores: np.ndarray | None, count: int) -> np.ndarray:
    """Each candidate's score against the best candidate's (0 for all without scores or a positive best)."""
    if scores is None or not len(scores) or scores.max() <= 0:
        return np.zeros(count, dtype=np.float32)
    return (scores / scores.max()).astype(np.float32)
