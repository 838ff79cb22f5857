"""The reply's first words: the sentences that answer, chosen by a small learned model.

Every sentence of the best passages is a candidate; named features (its cosine to the question, its
passage's rank and score, the question's words it holds, its form against the question's intent:
"det är viktigt att …" for advice, a number for a figure, the place for "what did X do"; for a follow-up, whether
the previous reply led with it) are scored
by the model ``assistant tune`` fits on the sentences colleagues pointed to.  The best sentence leads;
a second and third follow while they score close to it and the lead stays short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.documents.sentences import sentence_spans
from assistant.search.features import IMPORTANT, NUMBER
from assistant.search.learned import LinearModel
from assistant.search.lexical import tokenize
from assistant.search.query import Query
from assistant.search.retrieve import Hit

LEAD_FEATURES = (
    "sentence_cos",
    "cos_gap",
    "passage_score",
    "passage_rank",
    "first_hit",
    "overlap",
    "quote",
    "tip",
    "first_sentence",
    "commentary",
    "leaning",
    "short",
    "length",
    "elsewhere",
    "town_named",
    "advice_important",
    "advice_tip",
    "definition_form",
    "reason_form",
    "figure_number",
    "said_quote",
    "role_match",
    "cos_rank",
    "best_in_passage",
    "after_best",
    "position",
    "bridge_overlap",
    "how_means",
    "which_list",
    "led_before",
)
"""The lead model's inputs, in the order of its weights."""

DEFINITION_FORM = re.compile(r"\b(det vill säga|innebär|handlar om|definier\w*|betyder|kallas|avses)\b|–", re.I)
REASON_FORM = re.compile(r"\b(eftersom|därför|beror|på grund av|för att|bidrar|leder till|anledning)\b", re.I)
LEANING = re.compile(
    r"^(Detta|Dessa|Denna|Därför|Dessutom|Samtidigt|Sådana|Därmed|Även|Också|Dels|Sammantaget|"
    r"I (den|det) aktuella(?! \w+, [A-ZÅÄÖ])|Det (omfattar|innebär)|"
    r"De (menar|anser|tycker|beskriver|säger|upplever|betonar|lyfter|framhåller|pekar|ser|har|var|är))\b"
)
"""A sentence opening like this refers to the one before ("De menar att …": who?); the lead shows both.  Not "I den
aktuella kommunen, Övertorneå, …", which names what it points at: it brought "Citatet illustrerar en av många
lärdomar …" into 23 development replies and pushed their citation past the first 400 characters (2026-12-07)."""
POINTING_BACK = re.compile(r"\b(dessa|detta|denna|sådana|däremot|emellertid)\b", re.IGNORECASE)
POINTING_BACK_CHARS = 60
"""A demonstrative, or a contrast, this early in a sentence points at the one before ("De nya personer som
ersätter dessa …", "Sammantaget har dessa … faktorer"; both led replies alone in the new-user trial, 2026-12-07,
fifth session; "I Jokkmokk har däremot själva förståelsen …" in the seventh session's: the one report sentence
with a contrast that early)."""
QUOTE_MENTION = re.compile(r"\bcitat(et|en)?\b", re.IGNORECASE)
"""A sentence that speaks of a quote anywhere ("… som citatet visar"): a lead feature, and the quote it discusses is
shown first (the passage reader's ``COMMENTARY`` is narrower: a paragraph opening on the quote before it)."""
HOW = re.compile(r"^\s*(hur|på vilket sätt|vad kan|vad ska|vad bör)\b", re.IGNORECASE)
MEANS = re.compile(r"\b(genom att|genom|med hjälp av|till exempel|exempelvis|bland annat|t\.ex\.|bl\.a\.)\s", re.I)
"""A "how" question is answered by means: "genom att …", "till exempel …"."""
WHICH = re.compile(r"^\s*(vilka|vilken|vilket|vem|vilkas)\b", re.IGNORECASE)
LIST = re.compile(r",.*(,| samt | och )")
"""A sentence that lists ("politiker i ledande positioner, höga tjänstepersoner …, samt chefer …"): what a
"vilka …?" question asks for."""
SHORT_CHARS = 40
"""A sentence shorter than this is a "short" feature of the lead model (fragments, headings run into text)."""


@dataclass(frozen=True)
class Focus:
    """The municipality a question is about (named or filtered), among the places the corpus covers."""

    municipality: str | None = None
    places: tuple[str, ...] = ()

    def elsewhere(self, sentence: str) -> bool:
        """True for a sentence about another covered municipality and not this one (no answer for it)."""
        if not self.municipality or self.municipality in sentence:
            return False
        return any(place in sentence for place in self.places if place != self.municipality)


NO_FOCUS = Focus()


@dataclass(frozen=True)
class SentenceCandidate:
    """One sentence that could lead, the hit it comes from and its rank among the hits."""

    text: str
    hit: Hit
    rank: int
    cosine: float
    first: bool
    position: float = 0.0
    """Where the sentence stands in its passage: 0 first, 1 last."""
    after_best: bool = False
    """The sentence follows its passage's best-matching sentence (the answer after the claim it explains)."""


def sentence_candidates(hits: list[Hit], depth: int, min_chars: int) -> list[SentenceCandidate]:
    """The sentences of the ``depth`` best hits that could lead (not a list's introduction, not a fragment)."""
    found = []
    for rank, hit in enumerate(hits[:depth]):
        order = [hit.passage.text[a:b] for a, b in sentence_spans(hit.passage.text)]
        at = {sentence: i for i, sentence in reversed(list(enumerate(order)))}
        best = at.get(hit.sentences[0], -1) if hit.sentences else -1
        last = max(1, len(order) - 1)
        for sentence, cosine in zip(hit.sentences, hit.sentence_scores, strict=True):
            if len(sentence) < min_chars or sentence.endswith(":"):
                continue
            i = at.get(sentence, -1)
            after_best = best >= 0 and i == best + 1
            found.append(SentenceCandidate(sentence, hit, rank, cosine, i == 0, max(i, 0) / last, after_best))
    return found


def lead_features(query: Query, candidates: list[SentenceCandidate], focus: Focus) -> np.ndarray:
    """One row of ``LEAD_FEATURES`` per candidate sentence."""
    wanted = set(tokenize(query.text))
    bridged = [set(bridge.tokens) for bridge in query.bridges]
    best = max((c.cosine for c in candidates), default=0.0)
    cos_rank = np.argsort(np.argsort([-c.cosine for c in candidates], kind="stable"), kind="stable")
    intent = query.intent
    how = bool(HOW.match(query.text))
    which = bool(WHICH.match(query.text))
    rows = []
    for c, place in zip(candidates, cos_rank.tolist(), strict=True):
        kind = c.hit.passage.kind
        tokens = set(tokenize(c.text))
        overlap = len(wanted & tokens) / max(1, len(wanted))
        values = {
            "sentence_cos": c.cosine,
            "cos_gap": c.cosine - best,
            "passage_score": c.hit.score,
            "passage_rank": 1.0 / (1 + c.rank),
            "first_hit": c.rank == 0,
            "overlap": overlap,
            "quote": kind == "quote",
            "tip": kind == "tip",
            "first_sentence": c.first,
            "commentary": bool(QUOTE_MENTION.search(c.text)),
            "leaning": leans(c.text),
            "short": len(c.text) < SHORT_CHARS,
            "length": np.log1p(len(c.text)) / 6,
            "elsewhere": focus.elsewhere(c.text),
            "town_named": focus.municipality is not None and focus.municipality in c.text,
            "advice_important": intent == "advice" and bool(IMPORTANT.search(c.text)),
            "advice_tip": intent == "advice" and kind == "tip",
            "definition_form": intent == "definition" and bool(DEFINITION_FORM.search(c.text)),
            "reason_form": intent == "reason" and bool(REASON_FORM.search(c.text)),
            "figure_number": intent == "figure" and bool(NUMBER.search(c.text)),
            "said_quote": intent == "said" and kind == "quote",
            "role_match": bool(query.role) and c.hit.passage.role == query.role,
            "cos_rank": 1.0 / (1 + place),
            "best_in_passage": bool(c.hit.sentences) and c.text == c.hit.sentences[0],
            "after_best": c.after_best,
            "position": c.position,
            "bridge_overlap": sum(bool(b & tokens) for b in bridged) / max(1, len(wanted)),
            "how_means": how and bool(MEANS.search(c.text)),
            "which_list": which and bool(LIST.search(c.text)),
            "led_before": any(led in c.text for led in query.led if led),
        }
        rows.append([float(values[name]) for name in LEAD_FEATURES])
    return np.array(rows, dtype=np.float32).reshape(len(candidates), len(LEAD_FEATURES))


def leans(sentence: str) -> bool:
    """Whether the sentence refers to the one before it, so that alone it leaves the reader asking what."""
    return bool(LEANING.match(sentence) or POINTING_BACK.search(sentence[:POINTING_BACK_CHARS]))


def with_antecedent(sentence: str, text: str) -> str:
    """The sentence, with the one before it when it leans on it ("Detta ses som …", or a list after ":")."""
    spans = sentence_spans(text)
    position = next((i for i, (start, end) in enumerate(spans) if text[start:end] == sentence), 0)
    if position == 0 or not (leans(sentence) or text[: spans[position - 1][1]].endswith(":")):
        return sentence
    return text[spans[position - 1][0] : spans[position][1]]


CITATION_CHARS = 5
"""What a lead passage's citation takes in the reply (" [1]") and the space before the next passage."""
CUT_CHARS = 2
"""What "… " takes where the lead leaves text out of a passage (before a sentence, or at a quote's ends)."""


def part_markup(hit: Hit) -> int:
    """Characters the reply adds around a passage's sentences in the lead besides "…": its citation, a speaker's
    quotation marks and "(Politiker, Kalix)", a tip's "**Engagemang:** "."""
    passage = hit.passage
    if passage.kind == "quote":
        return CITATION_CHARS + len(f"”” ({passage.speaker or 'okänd talare'}) ") + 2 * CUT_CHARS
    if passage.kind == "tip":
        return CITATION_CHARS + len(f"**{passage.category or 'Tips'}:** ")
    return CITATION_CHARS


def shown_chars(lead: list[tuple[str, Hit]]) -> int:
    """About how many characters the lead takes in the reply as Markdown: its sentences with a cut mark each, and
    each passage's markup once (the budget counts them: without the pointing-back rule, 19 development replies
    whose lead came from the right passage cited it past the first 400 characters, 12 of them quotes whose text
    fit; 2026-12-07, docs/evaluation.md)."""
    passages = {hit.passage.id: hit for _, hit in lead}
    return sum(len(s) + CUT_CHARS for s, _ in lead) + sum(part_markup(hit) for hit in passages.values())


def choose_lead(
    query: Query,
    hits: list[Hit],
    model: LinearModel,
    focus: Focus,
    *,
    depth: int,
    min_chars: int,
    sentences: int,
    margin: float,
    max_chars: int,
) -> list[tuple[str, Hit]]:
    """Up to ``sentences`` sentences that answer, chosen best first by the model; shown by passage, the passage of
    the best sentence first (its citation then comes first), each passage's sentences in reading order.

    A further sentence must score within ``margin`` (in the model's log-odds) of the best, must not
    repeat a sentence already shown (two passages can hold the same sentence), and must keep the lead
    within ``max_chars`` as shown (:func:`shown_chars`).
    """
    candidates = sentence_candidates(hits, depth, min_chars)
    if not candidates:
        return []
    scores = model.score(lead_features(query, candidates, focus))
    order = np.argsort(-scores, kind="stable")
    best = float(scores[order[0]])
    chosen: list[tuple[str, Hit]] = []
    for j in order:
        candidate = candidates[j]
        if len(chosen) == sentences or float(scores[j]) < best - margin:
            break
        shown = with_antecedent(candidate.text, candidate.hit.passage.text)
        if any(shown in s or s in shown for s, _ in chosen):
            continue
        if chosen and shown_chars([*chosen, (shown, candidate.hit)]) > max_chars:
            break
        chosen.append((shown, candidate.hit))
    shown_first = {passage: position for position, passage in enumerate(dict.fromkeys(h.passage.id for _, h in chosen))}
    return sorted(chosen, key=lambda c: (shown_first[c[1].passage.id], c[1].passage.text.find(c[0])))
