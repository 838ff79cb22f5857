"""A turn ranked in its conversation: features of what the reply cited, the probability mix, the state returned."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import numpy as np
import pytest

from assistant.devtools import split as question_split
from assistant.devtools import split_conversations
from assistant.devtools.evaluate import DEFAULT_CONVERSATIONS, FINAL_CONVERSATIONS, HOLDOUT_CONVERSATIONS
from assistant.devtools.split_conversations import split, turn_key
from assistant.search.conversation import Conversation
from assistant.search.features import PASSAGE_FEATURES
from assistant.search.query import Query
from assistant.search.retrieve import Filters


def _column(retriever, query: Query, name: str) -> dict[int, float]:
    found = retriever.candidates(query, among=np.arange(len(retriever.index.passages)))
    values = found.features[:, PASSAGE_FEATURES.index(name)]
    return dict(zip(found.positions.tolist(), values.tolist(), strict=True))


def test_passages_beside_and_after_the_cited_one_are_marked(fake_retriever) -> None:
    passages = fake_retriever.index.passages
    commentary = next(i for i, p in enumerate(passages) if p.discusses)
    quote = passages.position(passages[commentary].discusses)
    query = replace(Query.plain("exempel"), cited=(passages[commentary].id,), follows="example")
    assert _column(fake_retriever, query, "cited_lead")[commentary] == 1
    assert _column(fake_retriever, query, "cited_beside")[quote] == 1
    assert _column(fake_retriever, query, "example_beside")[quote] == (passages[quote].kind == "quote")
    after = commentary + 1
    if passages[after].document == passages[commentary].document:
        assert _column(fake_retriever, query, "cited_next")[after] == 1
    alone = Query.plain("exempel")
    assert not any(_column(fake_retriever, alone, name)[quote] for name in ("cited_beside", "cited_lead"))


def test_a_follow_ups_own_words_are_marked_where_the_topic_drowns_them(fake_retriever) -> None:
    """ "Vad säger HR om det?" after a question about recruiting: "HR" is one word among the topic's, and only
    ``own_bm25_share`` reads it alone; a question read alone has none."""
    passages = fake_retriever.index.passages
    hr = {i for i, p in enumerate(passages) if "HR-enheten" in p.text}
    together = replace(
        Query.plain("Vad säger HR om det?"),
        searched="Vad kom det fram om rekrytering i rapporten? Vad säger HR om det?",
        follow_up=True,
    )
    share = _column(fake_retriever, together, "own_bm25_share")
    assert hr and {i for i, v in share.items() if v == 1.0} <= hr
    assert all(share[i] > 0 for i in hr) and sum(v > 0 for v in share.values()) == len(hr)
    assert not any(_column(fake_retriever, Query.plain("Vad säger HR om det?"), "own_bm25_share").values())


def test_a_question_is_nearest_to_the_cited_passage_it_repeats(fake_retriever) -> None:
    passages = fake_retriever.index.passages
    text, other = passages[3].text, passages[10].id
    assert fake_retriever.cited_similarity(text, ()) == 0.0
    assert fake_retriever.cited_similarity(text, ("no-such-id", other)) < fake_retriever.cited_similarity(
        text, (passages[3].id, other)
    )


def test_the_probability_mixes_the_two_readings(fake_retriever) -> None:
    alone, together = Query.plain("Vad är styrkedjan?"), Query.plain("Vad gjorde Kalix i skolan?")
    top = {p: fake_retriever.rank(q).top(1)[0].passage.id for p, q in ((0.0, alone), (1.0, together))}
    for probability, expected in top.items():
        assert (
            fake_retriever.rank_conversation(alone, together, probability, Filters()).top(1)[0].passage.id == expected
        )
    half = fake_retriever.rank_conversation(alone, together, 0.5, Filters()).top(10)
    assert set(top.values()) <= {h.passage.id for h in half}
    assert half[0].score == 1.0 and all(0 < h.score <= 1 for h in half)


def test_the_mix_ranks_both_readings_over_the_union_of_their_candidates(fake_retriever) -> None:
    """One pass per reading (rank_conversation) scores what ranking each reading over the union would."""
    alone, together = Query.plain("Hur gick det sen?"), Query.plain("Vad gjorde Kalix i skolan? Hur gick det sen?")
    among = np.union1d(fake_retriever.candidates(alone).positions, fake_retriever.candidates(together).positions)
    raw = [fake_retriever.ranker.score(fake_retriever.candidates(q, among=among).features) for q in (alone, together)]
    shares = [raw[i] - np.log(np.exp(raw[i] - raw[i].max()).sum()) - raw[i].max() for i in (0, 1)]
    ranking = fake_retriever.rank_conversation(alone, together, 0.3, Filters())
    assert np.array_equal(ranking.found.positions, among)
    assert np.allclose(ranking.score, np.logaddexp(np.log(0.7) + shares[0], np.log(0.3) + shares[1]), atol=1e-5)


def test_a_reply_returns_the_conversation_and_takes_it_back(fake_engine) -> None:
    first = fake_engine.ask("Vad gjorde Kalix med uppföljning?")
    assert first.follow_up_probability == 0 and first.follows == "" and first.conversation.turns == 1
    assert first.conversation.cited == tuple(h.passage.id for h in first.answer.cited)
    state = json.loads(json.dumps(first.to_dict()["conversation"]))
    second = fake_engine.ask("Och i Gällivare?", conversation=Conversation.from_dict(state))
    shown = second.to_dict()
    assert 0 < shown["follow_up_probability"] < 1 and shown["conversation"]["previous"] == "Och i Gällivare?"
    older = fake_engine.ask("Och i Gällivare?", previous_query=first.query)
    assert older.follows == "Vad gjorde Kalix med uppföljning?"  # carries no cited passages, still a follow-up


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_no_turn_text_stands_on_two_sides_of_the_shipped_conversations() -> None:
    sides = [DEFAULT_CONVERSATIONS, HOLDOUT_CONVERSATIONS, FINAL_CONVERSATIONS]
    texts = [{turn_key(t["question"]) for row in _rows(path) for t in row["conversation"]} for path in sides]
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            assert not first & second


def _conversation(*questions: str) -> dict:
    return {"conversation": [{"question": q} for q in questions]}


def test_the_split_keeps_conversations_that_share_a_turn_together_and_never_moves_dev_out() -> None:
    rows = [_conversation("Vad gjorde Kalix?", "Och i Jokkmokk?"), _conversation("Vad är styrkedjan?")]
    rows += [_conversation(f"Fråga {n}?", "och i jokkmokk") for n in range(30)]
    sides = split(rows, ["dev", None, *[None] * 30])
    assert len(sides["dev"]) >= 31 and rows[0] in sides["dev"]
    fresh = [_conversation(f"Ny fråga {n}?") for n in range(200)]
    shares = {side: len(found) / 200 for side, found in split(fresh, [None] * 200).items()}
    assert 0.15 < shares["final"] < 0.35 and 0.15 < shares["holdout"] < 0.35
    backwards = split(list(reversed(fresh)), [None] * 200)
    for side, found in split(fresh, [None] * 200).items():
        assert sorted(map(str, found)) == sorted(map(str, backwards[side]))  # reproducible, whatever the order


def test_new_development_conversations_sharing_a_held_out_turn_are_left_out(tmp_path, monkeypatch) -> None:
    files = {name: tmp_path / f"{name}.jsonl" for name in ("dev", "holdout", "final", "hq", "fq", "new")}
    for name, rows in {
        "dev": [_conversation("Vad gjorde Kalix?")],
        "holdout": [_conversation("Vad är styrkedjan?", "Och i Jokkmokk?")],
        "final": [],
        "hq": [{"question": "Vem skrev rapporten?"}],
        "fq": [],
        "new": [
            _conversation("Hur får man med politikerna?", "och i jokkmokk"),
            _conversation("Vem skrev rapporten"),
            _conversation("Vad är CEMR?"),
        ],
    }.items():
        files[name].write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(split_conversations, "DEFAULT_CONVERSATIONS", files["dev"])
    for constant, name in [
        ("HOLDOUT_CONVERSATIONS", "holdout"),
        ("FINAL_CONVERSATIONS", "final"),
        ("HOLDOUT_QUESTIONS", "hq"),
        ("FINAL_QUESTIONS", "fq"),
    ]:
        monkeypatch.setattr(question_split, constant, files[name])  # what split.kept_apart reads
    assert split_conversations.add_development([str(files["new"])]) == (1, 2)
    assert [row["conversation"][0]["question"] for row in _rows(files["dev"])] == ["Vad gjorde Kalix?", "Vad är CEMR?"]


def test_split_conversations_help_rewrites_nothing(monkeypatch, capsys) -> None:
    """``--help`` once ran the split with "--help" as a file name and rewrote the development file."""
    monkeypatch.setattr(split_conversations, "main", lambda files: pytest.fail(f"split ran on {files}"))
    monkeypatch.setattr(sys, "argv", ["split_conversations", "--help"])
    with pytest.raises(SystemExit) as stopped:
        split_conversations.cli()
    assert stopped.value.code == 0 and "--development" in capsys.readouterr().out


def test_eval_reports_conversations_by_kind(fake_engine, tmp_path) -> None:
    from assistant.devtools.evaluate import evaluate_conversations, load_conversations

    rows = _rows(DEFAULT_CONVERSATIONS)
    chosen = [r for r in rows if any(t["kind"] == "topic-change" for t in r["conversation"])][:3]
    path = tmp_path / "talk.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
    scores = evaluate_conversations(fake_engine, load_conversations(path, fake_engine.retriever.index.passages))
    kinds = {t["kind"] for r in chosen for t in r["conversation"][1:] if t["gold"]}
    assert {s.method for s in scores.kinds} == kinds and scores.first_turns.questions == 3
    changes = sum(1 for r in chosen for t in r["conversation"][1:] if t["kind"] == "topic-change" and t["gold"])
    assert scores.topic_changes == changes and 0 <= scores.topic_change_alone <= 1


def test_the_api_returns_the_conversation_and_accepts_it_back(fake_engine) -> None:

    from assistant.interfaces.api import AskEndpoint

    endpoint = AskEndpoint(fake_engine)
    first = endpoint.ask("Vad gjorde Kalix med uppföljning?")
    second = endpoint.ask("Och i Gällivare?", conversation=json.loads(json.dumps(first["conversation"])))
    assert second["conversation"]["turns"] in (1, 2) and second["conversation"]["previous"] == "Och i Gällivare?"
    assert second["follow_up_probability"] > 0
    spoiled = endpoint.ask("Och i Gällivare?", conversation={"topic": {"words": 3}})
    assert spoiled["follow_up_probability"] == 0 and "error" not in spoiled  # asked as a new question
