"""The question sets stay apart: no paraphrase crosses from development to held out, and nothing learns from
the held-out or final sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.__main__ import main
from assistant.devtools import commands
from assistant.devtools.evaluate import (
    DEFAULT_QUESTIONS,
    FINAL_CONVERSATIONS,
    FINAL_QUESTIONS,
    HOLDOUT_CONVERSATIONS,
    HOLDOUT_QUESTIONS,
    Question,
)
from assistant.devtools.examples import FOLDS, folds_by_paraphrase
from assistant.devtools.split import (
    WORDING_ALIKE,
    addable,
    alike,
    clusters,
    held_out_positions,
    query_encoder,
    read_rows,
)


def _crossing(development: list[dict], held_out: list[dict], linked: np.ndarray) -> list[tuple[str, str]]:
    n = len(development)
    return [
        (development[i]["question"], held_out[j]["question"]) for i, j in zip(*np.nonzero(linked[:n, n:]), strict=True)
    ]


def _no_meaning(texts: list[str]) -> np.ndarray:
    """Orthogonal vectors: no pair is alike by meaning, so only wording and gold link questions."""
    return np.eye(len(texts), dtype=np.float32)


def test_no_development_question_has_a_held_out_twin_in_wording() -> None:
    development, held_out = read_rows(DEFAULT_QUESTIONS), read_rows(HOLDOUT_QUESTIONS)
    linked = alike(development + held_out, _no_meaning)
    assert _crossing(development, held_out, linked) == []


@pytest.mark.slow  # encodes the 811 questions with the real model (about 15 s)
def test_no_development_question_has_a_held_out_paraphrase() -> None:
    development, held_out = read_rows(DEFAULT_QUESTIONS), read_rows(HOLDOUT_QUESTIONS)
    rows = development + held_out
    assert _crossing(development, held_out, alike(rows, query_encoder())) == []
    assert len(held_out) >= 300  # development grows by `split --add`; the held-out set keeps its size


def test_added_development_questions_leave_out_held_out_paraphrases() -> None:
    held_out = [{"question": "Vad gjorde Kalix?", "gold": ["a"]}]
    new = [{"question": "Vad gjorde Kalix då?", "gold": ["b"]}, {"question": "Hur får man med politikerna?"}]
    assert addable(new, held_out, _no_meaning) == new[1:]


@pytest.mark.slow  # encodes the 503 development questions with the real model
def test_cross_validation_keeps_alike_development_questions_in_one_fold() -> None:
    rows = read_rows(DEFAULT_QUESTIONS)
    questions = [Question(row["question"], row.get("type", ""), frozenset(row.get("gold", []))) for row in rows]
    fold = folds_by_paraphrase(questions, FOLDS)
    linked = alike(rows, query_encoder())
    assert linked.any()
    assert [(i, j) for i, j in zip(*np.nonzero(linked), strict=True) if fold[i] != fold[j]] == []
    assert all(0.1 <= share <= 0.3 for share in np.bincount(fold, minlength=FOLDS) / len(rows))


def test_alike_questions_form_one_cluster() -> None:
    rows = [
        {"question": "Vad gjorde Kalix?", "gold": ["a"]},
        {"question": "Vad gjorde Kalix då?", "gold": ["b"]},  # alike in wording
        {"question": "Vilka tips finns om uppföljning?", "gold": ["c"]},
        {"question": "Vilka tips ges om uppföljningen?", "gold": ["c"]},  # same gold, wording 0.7 alike
        {"question": "Hur får man med politikerna?", "gold": ["d"]},
    ]
    assert clusters(alike(rows, _no_meaning)) == [[0, 1], [2, 3], [4]]
    assert WORDING_ALIKE == 0.85


def test_a_cluster_lands_wholly_on_one_side() -> None:
    words = np.random.default_rng(0).choice(list("abcdefghijklmnopqrstuvwxyzåäö"), size=(40, 30))
    rows = [{"question": "".join(w), "type": "t"} for w in words]
    rows += [{"question": rows[1]["question"] + "?", "type": "t"}]
    chosen = held_out_positions(rows, _no_meaning)
    assert (1 in chosen) == (40 in chosen)
    assert 10 <= len(chosen) <= 20


@pytest.mark.parametrize(
    "option",
    [
        ["--questions", HOLDOUT_QUESTIONS],
        ["--conversations", HOLDOUT_CONVERSATIONS],
        ["--questions", FINAL_QUESTIONS],
        ["--conversations", FINAL_CONVERSATIONS],
    ],
)
def test_tune_refuses_the_held_out_and_final_sets(option: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tune", option[0], str(option[1])]) == 1
    assert "får aldrig läras av" in capsys.readouterr().err


def test_eval_final_says_when_the_final_set_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(commands, "FINAL_QUESTIONS", tmp_path / "questions_final.jsonl")
    monkeypatch.setattr(commands, "load_engine", lambda args: pytest.fail("the engine loads before the check"))
    assert main(["eval", "--final"]) == 1
    assert "slutliga testmängden" in capsys.readouterr().err
