"""Quality on a set of questions with gold passages: ranking, replies and the answered decision.

A question file is JSON Lines::

    {"question": …, "type": …, "gold": [prefix, …], "answer": [text, …],
     "first_quote": [prefix, …], "tips": [prefix, …], "absent": [word, …]}

Each prefix is the beginning of a passage's text (readable, and stable as long
as the report is); ``answer`` holds part of the sentence a colleague would point
to.  Out-of-scope questions have no gold; their type is ``near-oos`` (near the
report's topic) or ``far-oos``.  ``first_quote`` lists the quotes acceptable as
the reply's first quote, ``tips`` the tips of which one should be among the
first two shown.  A conversation file holds ``{"conversation": [question, …]}``
per line, asked turn by turn with the conversation state each reply returns; each turn's ``kind``
says how it relates to the turns before (``TURN_KINDS``).  Other keys (``persona``, ``writer``)
document where a question came from.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.documents.passages import Passage
from assistant.engine import Engine, Reply
from assistant.errors import InputError
from assistant.reply.answer import Answer
from assistant.reply.render import to_markdown
from assistant.search.follow_up import FOLLOW_UP_THRESHOLD
from assistant.search.retrieve import METHODS

DATA = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = DATA / "questions.jsonl"
HOLDOUT_QUESTIONS = DATA / "questions_holdout.jsonl"
DEFAULT_CONVERSATIONS = DATA / "conversations.jsonl"
HOLDOUT_CONVERSATIONS = DATA / "conversations_holdout.jsonl"
FINAL_QUESTIONS = DATA / "questions_final.jsonl"
FINAL_CONVERSATIONS = DATA / "conversations_final.jsonl"
"""The final test set: read only by ``assistant eval --final``, once a change is decided."""
NEVER_LEARNED_FROM = (HOLDOUT_QUESTIONS, HOLDOUT_CONVERSATIONS, FINAL_QUESTIONS, FINAL_CONVERSATIONS)
"""Files that measure what was learned; ``assistant tune`` refuses them."""
CUTOFFS = (1, 3, 5)
MRR_DEPTH = 10
LEAD_CHARS = 400
"""The answer must be cited within this many characters of the reply (as Markdown) to count as leading it."""
OUT_OF_SCOPE = ("near-oos", "far-oos")
TURN_KINDS = ("first", "place-role", "pronoun", "about-answer", "continues", "topic-change")
"""How a conversation turn relates to the turns before; every kind but ``first`` and ``topic-change`` follows
the thread."""
FOLLOWING_KINDS = ("place-role", "pronoun", "about-answer", "continues")


@dataclass(frozen=True)
class Question:
    text: str
    type: str
    gold: frozenset[str]  # passage ids
    first_quote: frozenset[str] = frozenset()
    tips: frozenset[str] = frozenset()
    absent: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    kind: str = ""
    """A conversation turn's kind (``TURN_KINDS``); "" for a single question."""
    ranked_gold: tuple[str, ...] = ()
    """The gold passage ids in the order listed (the best first)."""

    @property
    def follows(self) -> bool:
        """True for a conversation turn labelled as following the thread."""
        return self.kind in FOLLOWING_KINDS


@dataclass(frozen=True)
class Scores:
    """Ranking metrics of one method (or one question group) over answerable questions."""

    method: str
    hits: dict[int, float]
    mrr: float
    questions: int


@dataclass(frozen=True)
class ReplyScores:
    """What the replies show first, how long they are, and how the answered decision splits the set."""

    first_quote_right: float
    first_quote_questions: int
    tip_in_first_two: float
    tip_questions: int
    answer_in_lead: float
    lead_from_gold: float
    lead_has_answer: float
    lead_answer_questions: int
    median_reply_chars: float
    answered_in_scope: float
    declined: dict[str, float] = field(default_factory=dict)  # by out-of-scope type


@dataclass(frozen=True)
class ConversationScores:
    """Conversations asked turn by turn: the right passage first for opening turns and for follow-ups.

    ``follow_ups`` are the turns labelled as following the thread; ``kinds`` every later turn by its kind;
    ``topic_change_alone`` the share of topic changes read as new questions (follow-up probability below
    the threshold); ``follow_up_lead_from_gold`` the follow-ups whose reply leads from a gold passage.
    """

    conversations: int
    first_turns: Scores
    follow_ups: Scores
    kinds: list[Scores] = field(default_factory=list)
    follow_up_lead_from_gold: float = 0.0
    topic_change_alone: float = 0.0
    topic_changes: int = 0


@dataclass(frozen=True)
class Evaluation:
    """Everything ``assistant eval`` reports for one question file (and its conversations)."""

    methods: list[Scores]
    groups: list[Scores]
    replies: ReplyScores
    in_scope: int
    out_of_scope: int
    conversations: ConversationScores | None = None


def _resolve(prefixes: list[str], passages: Sequence[Passage], where: str) -> frozenset[str]:
    return frozenset(_ranked(prefixes, passages, where))


def _ranked(prefixes: list[str], passages: Sequence[Passage], where: str) -> tuple[str, ...]:
    """The ids of the passages the prefixes begin, in the order listed."""
    ids: dict[str, None] = {}
    for prefix in prefixes:
        found = [p.id for p in passages if p.text.startswith(prefix)]
        if not found:
            raise InputError(f"{where}: inget stycke börjar med {prefix!r}")
        ids.update(dict.fromkeys(found))
    return tuple(ids)


def _read_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The JSON objects of a JSON Lines file, each with where it stands; InputError when unusable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Frågefilen {path} kunde inte läsas: {error}") from error
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except ValueError as error:
            raise InputError(f"{where}: raden är inte JSON ({error})") from error
        if not isinstance(row, dict):
            raise InputError(f"{where}: raden är inte ett JSON-objekt")
        rows.append((where, row))
    return rows


def _question(row: dict[str, Any], passages: Sequence[Passage], where: str) -> Question:
    try:
        text, gold = row["question"], row["gold"]
    except (KeyError, TypeError) as error:
        raise InputError(f"{where}: raden är inte en fråga ({error})") from error
    return Question(
        text,
        row.get("type", ""),
        _resolve(gold, passages, where),
        _resolve(_listed(row.get("first_quote", [])), passages, where),
        _resolve(_listed(row.get("tips", [])), passages, where),
        tuple(row.get("absent", [])),
        tuple(row.get("answer", [])),
        _kind(row.get("kind", ""), where),
        _ranked(gold, passages, where),
    )


def _listed(value: Any) -> list[str]:
    """A list of prefixes; one prefix given as a string is a list of one."""
    return [value] if isinstance(value, str) else list(value)


def _kind(kind: Any, where: str) -> str:
    if kind and kind not in TURN_KINDS:
        raise InputError(f"{where}: okänd sorts tur {kind!r}; välj en av {', '.join(TURN_KINDS)}")
    return str(kind or "")


def load_questions(path: Path, passages: Sequence[Passage]) -> list[Question]:
    """Read a question file and resolve its prefixes to passage ids; InputError when unusable."""
    return [_question(row, passages, where) for where, row in _read_rows(path)]


def load_conversations(path: Path, passages: Sequence[Passage]) -> list[list[Question]]:
    """Read a conversation file: each line a list of turns; InputError when unusable."""
    conversations = []
    for where, row in _read_rows(path):
        turns = row.get("conversation")
        if not isinstance(turns, list) or not turns:
            raise InputError(f"{where}: raden saknar ”conversation” (en lista med frågor)")
        conversations.append([_question(turn, passages, f"{where} tur {i}") for i, turn in enumerate(turns, 1)])
    return conversations


def _rank(ids: list[str], gold: frozenset[str]) -> int | None:
    return next((rank for rank, pid in enumerate(ids[:MRR_DEPTH], start=1) if pid in gold), None)


def _scores(name: str, ranks: list[int | None]) -> Scores:
    count = max(1, len(ranks))
    hits = {k: sum(1 for r in ranks if r is not None and r <= k) / count for k in CUTOFFS}
    return Scores(name, hits, sum(1 / r for r in ranks if r is not None) / count, len(ranks))


def _lead_cites_gold(answer: Answer, gold: frozenset[str]) -> bool:
    lead = to_markdown(answer.reply)[:LEAD_CHARS]
    return any(f"[{n}]" in lead for n, hit in enumerate(answer.cited, start=1) if hit.passage.id in gold)


def _reply_chars(answer: Answer) -> int:
    """The reply's length as Markdown, without its sources."""
    return len(to_markdown(answer.reply, sources=False))


def _shown(answer: Answer, kind: str) -> list[str]:
    return [h.passage.id for h in answer.cited if h.passage.kind == kind]


def _lead_from_gold(answer: Answer, gold: frozenset[str]) -> bool:
    return bool(answer.lead) and answer.lead[0].passage.id in gold


def _lead_has_answer(answer: Answer, answers: tuple[str, ...]) -> bool:
    return any(a in sentence.text for sentence in answer.lead for a in answers)


def asked(engine: Engine, turns: list[Question]) -> list[Reply]:
    """A conversation asked turn by turn, each turn with the state the reply before returned, as the chat does."""
    replies: list[Reply] = []
    for turn in turns:
        talk = replies[-1].conversation if replies else None
        replies.append(engine.ask(turn.text, top_k=MRR_DEPTH, conversation=talk))
    return replies


def evaluate_conversations(engine: Engine, conversations: list[list[Question]]) -> ConversationScores:
    """Ask each conversation turn by turn (:func:`asked`) and score the replies."""
    return conversation_scores(conversations, [asked(engine, turns) for turns in conversations])


def conversation_scores(conversations: list[list[Question]], replies: list[list[Reply]]) -> ConversationScores:
    """How the replies to conversations asked turn by turn (:func:`asked`) rank and lead."""
    first: list[int | None] = []
    later: list[tuple[Question, int | None]] = []
    leads: list[bool] = []
    alone: list[bool] = []
    for turns, answers in zip(conversations, replies, strict=True):
        for number, (turn, reply) in enumerate(zip(turns, answers, strict=True)):
            if not turn.gold:
                continue
            rank = _rank([h.passage.id for h in reply.answer.hits], turn.gold)
            if number == 0:
                first.append(rank)
                continue
            later.append((turn, rank))
            if turn.kind == "topic-change":
                alone.append(reply.follow_up_probability < FOLLOW_UP_THRESHOLD)
            elif turn.follows or not turn.kind:
                leads.append(_lead_from_gold(reply.answer, turn.gold))
    following = [r for t, r in later if t.follows or not t.kind]
    kinds = sorted({t.kind for t, _ in later if t.kind}, key=TURN_KINDS.index)
    return ConversationScores(
        len(conversations),
        _scores("first", first),
        _scores("follow-up", following),
        [_scores(kind, [r for t, r in later if t.kind == kind]) for kind in kinds],
        sum(leads) / len(leads) if leads else 0.0,
        sum(alone) / len(alone) if alone else 0.0,
        len(alone),
    )


def evaluate(
    engine: Engine, questions: list[Question], conversations: list[list[Question]] | None = None
) -> Evaluation:
    """Ask every question as a user would (through the engine) and score ranking and replies."""
    inside = [q for q in questions if q.gold]
    answers = {q.text: engine.ask(q.text, top_k=MRR_DEPTH) for q in questions}
    fused = [_rank([h.passage.id for h in answers[q.text].answer.hits], q.gold) for q in inside]
    methods = [_scores("fused", fused)]
    for method in METHODS[1:]:
        ranks = []
        for q in inside:
            reply = answers[q.text]
            hits = engine.retriever.search(reply.query, k=MRR_DEPTH, method=method)
            ranks.append(_rank([h.passage.id for h in hits], q.gold))
        methods.append(_scores(method, ranks))
    groups = [
        _scores(kind, [r for q, r in zip(inside, fused, strict=True) if q.type == kind])
        for kind in sorted({q.type for q in inside})
    ]
    quote_rows = [q for q in inside if q.first_quote]
    tip_rows = [q for q in inside if q.tips]
    answer_rows = [q for q in inside if q.answers]
    shown = {q.text: answers[q.text].answer for q in questions}
    outside = {kind: [q for q in questions if q.type == kind] for kind in OUT_OF_SCOPE}
    replies = ReplyScores(
        first_quote_right=_share(quote_rows, lambda q: _first_in(_shown(shown[q.text], "quote")[:1], q.first_quote)),
        first_quote_questions=len(quote_rows),
        tip_in_first_two=_share(tip_rows, lambda q: _first_in(_shown(shown[q.text], "tip")[:2], q.tips)),
        tip_questions=len(tip_rows),
        answer_in_lead=_share(inside, lambda q: _lead_cites_gold(shown[q.text], q.gold)),
        lead_from_gold=_share(inside, lambda q: _lead_from_gold(shown[q.text], q.gold)),
        lead_has_answer=_share(answer_rows, lambda q: _lead_has_answer(shown[q.text], q.answers)),
        lead_answer_questions=len(answer_rows),
        median_reply_chars=statistics.median(_reply_chars(shown[q.text]) for q in inside) if inside else 0.0,
        answered_in_scope=_share(inside, lambda q: shown[q.text].answered),
        declined={kind: _share(rows, lambda q: not shown[q.text].answered) for kind, rows in outside.items() if rows},
    )
    talk = evaluate_conversations(engine, conversations) if conversations else None
    return Evaluation(methods, groups, replies, len(inside), len(questions) - len(inside), talk)


def _first_in(shown: list[str], expected: frozenset[str]) -> bool:
    return bool(set(shown) & expected)


def _share(rows: list[Question], test: Callable[[Question], bool]) -> float:
    """Share of ``rows`` for which ``test(row)`` is true."""
    return sum(1 for row in rows if test(row)) / len(rows) if rows else 0.0
