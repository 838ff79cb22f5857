"""Which quotes and tips a reply shows first, chosen by two small learned linear models.

The ranker orders passages for the question as a whole; the first quote and the first tips have their
own questions: is the speaker the role and municipality asked about, does a lead sentence discuss the
quote ("Citatet visar …") or stand beside it, does the tip hold the question's words.  Every candidate
quote (or tip) gets the named ``CHOICE_FEATURES``; ``assistant tune`` fits one model for quotes and one
for tips (a softmax over each question's candidates, trained on the development questions' ``first_quote``
and ``tips`` labels), and the reply shows the best-scored first.  With zero weights the order is the
pool's: quotes a lead sentence discusses first, then the ranker's order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.reply.lead import QUOTE_MENTION, Focus
from assistant.search.learned import LinearModel
from assistant.search.lexical import tokenize
from assistant.search.query import Query
from assistant.search.retrieve import Hit, Ranking

CHOICE_FEATURES = (
    "ranker_gap",
    "kind_rank",
    "hit_rank",
    "dense",
    "dense_gap",
    "sentence_cos",
    "lexical_share",
    "overlap",
    "bridge_overlap",
    "lead_overlap",
    "role_match",
    "role_other",
    "town_match",
    "town_other",
    "discussed",
    "beside_lead",
    "commentary_ranked",
    "lead_section",
    "length",
)
"""The quote and tip models' inputs, in the order of their weights."""

RANKER_GAP_FLOOR = -12.0
"""Log relative ranker probability below which candidates count alike (``ranker_gap``; scaled to -1)."""
POOL = 8
"""Candidate quotes (and tips) a reply chooses from: this many best of each kind in the whole ranking."""
ASKS_WHAT_TO_DO = re.compile(
    r"\b(hur \w+(ar|er|år|ör) (vi|man|jag|ni|en)\b|hur ska \w+|var (börjar|startar) (man|vi|jag)|"
    r"(första|nästa) steg(et)?|(ska|bör|kan) (vi|man|jag) \w+.* eller |vad gör (vi|man|jag)|"
    r"(föreslår|rekommenderar) (de|dom|rapporten|ni)|checklista|^(ska|bör|borde|kan) (vi|man|jag)\b)",
    re.IGNORECASE,
)
"""A question about what to do that the advice intent does not read ("Hur involverar man …?", "Var börjar man?",
"Ska vi … eller …?", "Vad gör man då?"): its reply shows tips as if they were asked for.  Only the reply reads it
(ranking keeps its intent).  Out of fold on development (``assistant tune``'s second pass, 350 questions labelled
with tips; 2026-12-07): tip among the first two as ``assistant eval`` counts it 0.740 → 0.783; it fires on 112 of
3,023 questions and turns that neither ask for tips nor read as advice."""
GIVE_WAY_MARGIN = 1.0
"""How far (in the quote model's listwise score) another quote must score above the lead's quote before the lead
gives way (:func:`gives_way`).  Screened on the development questions (2026-12-07, seventh session; choice models
out of fold, ranking and lead in-sample): first quote 0.888 → 0.901 with 1.0 (38 of 1,298 replies changed), 0.900 with 0
(43 changed); the lead's first passage stays a gold one as often (0.861).  ``assistant tune``: 0.827 → 0.833."""


@dataclass(frozen=True)
class Choosers:
    """The two models that order candidate quotes and tips; zero weights keep the ranker's order."""

    quote: LinearModel
    tip: LinearModel

    @classmethod
    def ranker_order(cls) -> Choosers:
        zero = LinearModel(CHOICE_FEATURES, np.zeros(len(CHOICE_FEATURES), dtype=np.float32))
        return cls(zero, zero)


RANKER_ORDER = Choosers.ranker_order()


@dataclass(frozen=True)
class Offered:
    """What a reply may show beyond its hits: the ``POOL`` best quotes and tips of the whole ranking, whether
    the question asks for tips (then they come first, relevant or not), and the quotes the best passages'
    commentaries discuss, wherever they rank (a lead "Citatet visar …" shows its quote)."""

    quotes: list[Hit]
    tips: list[Hit]
    tips_asked: bool = False
    discussed: list[Hit] = field(default_factory=list)

    @classmethod
    def of(cls, ranking: Ranking, query: Query, hits: Sequence[Hit]) -> Offered:
        """The best quotes and tips of ``ranking``, and the quotes its best ``hits`` (the lead's candidates) discuss;
        whether tips are asked for reads :func:`wants_tips`."""
        commented = [hit.passage.discusses for hit in hits if hit.passage.discusses]
        return cls(
            ranking.top(POOL, kind="quote"), ranking.top(POOL, kind="tip"), wants_tips(query), ranking.among(commented)
        )


def wants_tips(query: Query) -> bool:
    """Whether a reply shows tips first, relevant or not: asked for by name, advice, or what to do."""
    return query.asks_tips or query.intent == "advice" or bool(ASKS_WHAT_TO_DO.search(query.text))


def discussed_quotes(lead: Sequence[tuple[str, Hit]]) -> list[str]:
    """Ids of the quotes a lead sentence speaks of ("… som citatet visar"), in the lead's order."""
    found = (hit.passage.discusses for sentence, hit in lead if QUOTE_MENTION.search(sentence))
    return list(dict.fromkeys(quote for quote in found if quote))


def pools(
    offered: Offered, hits: Sequence[Hit], lead: Sequence[tuple[str, Hit]], least: float
) -> tuple[list[Hit], list[Hit]]:
    """The quotes and the tips a reply chooses from: those offered that are relevant (score at least ``least``;
    any tip when tips are asked for) and any quote a lead sentence discusses, none already in the lead.  A quote
    speaks to the question only from a document the lead answers from: the new-user trial saw a reply about an
    added student app show an Övertorneå teacher's words (2026-12-07, seventh session)."""
    by_id = {h.passage.id: h for h in [*hits, *offered.quotes, *offered.discussed]}
    discussed = [by_id[q] for q in discussed_quotes(lead) if q in by_id]
    answering = {hit.passage.document for _, hit in lead}
    relevant = (h for h in offered.quotes if h.score >= least and (not answering or h.passage.document in answering))
    quotes = [*discussed, *relevant]
    tips = offered.tips if offered.tips_asked else [h for h in offered.tips if h.score >= least]
    shown = {hit.passage.id for _, hit in lead}
    return _unshown(quotes, shown), _unshown(tips, shown)


def gives_way(
    model: LinearModel,
    query: Query,
    lead: Sequence[tuple[str, Hit]],
    offered: Offered,
    hits: Sequence[Hit],
    focus: Focus,
    least: float,
) -> list[tuple[str, Hit]]:
    """The lead without its first quote's sentences when ``model`` scores another candidate quote above that quote
    by ``GIVE_WAY_MARGIN`` and other lead sentences remain; else the lead as it is.

    The lead model picks sentences that answer, not the quote that answers best: where the lead shows a quote,
    the reply's first quote is the lead's.  Out of fold, 126 of the 223 wrong first quotes were a lead's
    (docs/evaluation.md, sixth session).  The quote left out returns to the pool, where the model orders it; the
    others it competes with are those the reply could show without it (from the documents the rest answers from)."""
    quoted = next((hit for _, hit in lead if hit.passage.kind == "quote"), None)
    if quoted is None or not model.weights.any():
        return list(lead)
    rest = [(sentence, hit) for sentence, hit in lead if hit.passage.id != quoted.passage.id]
    if not rest:
        return list(lead)
    others = [h for h in pools(offered, hits, rest, least)[0] if h.passage.id != quoted.passage.id]
    if not others:
        return list(lead)
    scores = model.score(choice_features(query, [quoted, *others], hits, lead, focus))
    return rest if float(scores[1:].max() - scores[0]) > GIVE_WAY_MARGIN else list(lead)


def _unshown(hits: Sequence[Hit], shown: set[str]) -> list[Hit]:
    """The hits not shown already (in the lead), each once, in order."""
    return list({h.passage.id: h for h in hits if h.passage.id not in shown}.values())


def choice_features(
    query: Query, candidates: Sequence[Hit], hits: Sequence[Hit], lead: Sequence[tuple[str, Hit]], focus: Focus
) -> np.ndarray:
    """One row of ``CHOICE_FEATURES`` per candidate (in pool order: discussed quotes first, then the ranker's),
    given the reply's hits and lead."""
    wanted = set(tokenize(query.text))
    bridged = [set(bridge.tokens) for bridge in query.bridges]
    lead_words = set(tokenize(" ".join(sentence for sentence, _ in lead)))
    lead_passages = [hit.passage for _, hit in lead]
    discussed = set(discussed_quotes(lead))
    hit_rank = {hit.passage.id: rank for rank, hit in enumerate(hits)}
    commentary_rank = {
        hit.passage.discusses: rank for rank, hit in reversed(list(enumerate(hits))) if hit.passage.discusses
    }
    best_dense = max((c.dense for c in candidates), default=0.0)
    best_lexical = max((c.lexical for c in candidates), default=0.0)
    rows = []
    for rank, candidate in enumerate(candidates):
        passage = candidate.passage
        tokens = set(tokenize(passage.text))
        town = focus.municipality
        values = {
            "ranker_gap": max(RANKER_GAP_FLOOR, float(np.log(max(candidate.score, 1e-30)))) / -RANKER_GAP_FLOOR,
            "kind_rank": 1.0 / (1 + rank),
            "hit_rank": 1.0 / (1 + hit_rank[passage.id]) if passage.id in hit_rank else 0.0,
            "dense": candidate.dense,
            "dense_gap": candidate.dense - best_dense,
            "sentence_cos": candidate.sentence_scores[0] if candidate.sentence_scores else candidate.dense,
            "lexical_share": candidate.lexical / best_lexical if best_lexical > 0 else 0.0,
            "overlap": len(wanted & tokens) / max(1, len(wanted)),
            "bridge_overlap": sum(bool(b & tokens) for b in bridged) / max(1, len(bridged)),
            "lead_overlap": len(lead_words & tokens) / max(1, len(tokens)),
            "role_match": bool(query.role) and passage.role == query.role,
            "role_other": bool(query.role) and bool(passage.role) and passage.role != query.role,
            "town_match": town is not None and (passage.municipality == town or town in passage.text),
            "town_other": town is not None and bool(passage.municipality) and passage.municipality != town,
            "discussed": passage.id in discussed,
            "beside_lead": any(p.discusses == passage.id for p in lead_passages),
            "commentary_ranked": 1.0 / (1 + commentary_rank[passage.id]) if passage.id in commentary_rank else 0.0,
            "lead_section": any(p.section == passage.section for p in lead_passages),
            "length": np.log1p(len(passage.text)) / 7,
        }
        rows.append([float(values[name]) for name in CHOICE_FEATURES])
    return np.array(rows, dtype=np.float32).reshape(len(candidates), len(CHOICE_FEATURES))


def choose(
    model: LinearModel,
    query: Query,
    candidates: Sequence[Hit],
    hits: Sequence[Hit],
    lead: Sequence[tuple[str, Hit]],
    focus: Focus,
) -> list[Hit]:
    """The candidates best first by ``model`` (ties in pool order; a zero model keeps it without scoring)."""
    if not candidates or not model.weights.any():
        return list(candidates)
    scores = model.score(choice_features(query, candidates, hits, lead, focus))
    return [candidates[int(j)] for j in np.argsort(-scores, kind="stable")]
