"""``assistant tune`` fits and saves the learned values; they load back and are refused for other features."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import CORPUS

from assistant.devtools.evaluate import DEFAULT_CONVERSATIONS, DEFAULT_QUESTIONS, asked, load_conversations
from assistant.devtools.examples import conversation_examples
from assistant.devtools.fitting import fit_layered, fit_listwise, fit_logistic
from assistant.devtools.tune import (
    ANSWERED_AT_LEAST,
    RememberedQueries,
    _OutOfFold,
    fit_decision,
    fit_wording,
    tune,
    wording_examples,
)
from assistant.engine import Engine, learned_values
from assistant.errors import IndexUnavailable
from assistant.reply.answerability import DECISION_FEATURES, REPORT_PRIORS, wording_score
from assistant.reply.choice import CHOICE_FEATURES
from assistant.reply.lead import LEAD_FEATURES
from assistant.search.features import PASSAGE_FEATURES
from assistant.search.follow_up import FOLLOW_UP_FEATURES
from assistant.search.learned import LayeredModel, LinearModel, load_learned


def _subset(source: Path, target: Path, every: int) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[::every]) + "\n", encoding="utf-8")
    return target


def test_tune_fits_saves_and_reloads(tmp_path: Path, fake_embedder) -> None:
    engine = Engine(CORPUS, tmp_path / "index", fake_embedder)
    questions = _subset(DEFAULT_QUESTIONS, tmp_path / "questions.jsonl", 4)
    conversations = _subset(DEFAULT_CONVERSATIONS, tmp_path / "conversations.jsonl", 4)
    learned = tune(engine, questions, conversations, tmp_path / "learned", folds=2, max_steps=10)
    report = json.loads((tmp_path / "learned" / "weights.json").read_text(encoding="utf-8"))["report"]
    assert report["questions"] == len(questions.read_text(encoding="utf-8").splitlines())
    assert 0 < report["ranker"]["cross_validated"]["hit@5"] <= 1
    asked_turn_by_turn = report["conversations_cross_validated"]  # as ``assistant eval`` asks them, out of fold
    assert asked_turn_by_turn["follow_ups"]["questions"] > 0
    assert 0 <= asked_turn_by_turn["follow_ups"]["hit@5"] <= 1
    assert 0 < learned.decision_threshold < 1
    assert 0 <= report["first_quote_right"]["cross_validated"] <= 1 and report["first_quote_right"]["questions"]
    again = load_learned(
        PASSAGE_FEATURES, LEAD_FEATURES, DECISION_FEATURES, FOLLOW_UP_FEATURES, CHOICE_FEATURES, tmp_path / "learned"
    )
    assert np.allclose(again.ranker.weights, learned.ranker.weights, atol=1e-5)
    rows = np.random.default_rng(0).normal(size=(5, len(PASSAGE_FEATURES)))
    assert all(isinstance(m, LayeredModel) and m.layer.any() for m in (again.ranker, again.lead))
    assert np.allclose(again.ranker.score(rows), learned.ranker.score(rows), atol=1e-3)
    assert np.allclose(again.quote.weights, learned.quote.weights, atol=1e-5) and learned.quote.weights.any()
    assert again.adapter is not None and again.adapter_for("fake:trigrams-256-v1") is not None
    assert again.adapter_for("another model") is None
    assert again.wording is not None and len(again.wording) == fake_embedder.dimension + 1
    assert np.allclose(again.wording, learned.wording, atol=1e-5) and again.wording_for("another model") is None
    assert again.wording_examples is not None and again.wording_examples.shape[1] == fake_embedder.dimension + 1
    assert again.wording_examples_for("another model") is None
    assert 0.5 < report["decision"]["cross_validated"]["auc"] <= 1
    priors = [DECISION_FEATURES.index(name) for name in REPORT_PRIORS]
    assert not again.other_decision.weights[priors].any() and again.decision.weights[priors].any()
    assert 0 < again.other_threshold < 1 and 0.5 < report["other_decision"]["cross_validated"]["auc"] <= 1
    assert engine.ask("Hur följer man upp jämställdhetsarbetet?").answer.hits


def test_weights_for_other_features_are_refused(tmp_path: Path) -> None:
    learned_values().save(tmp_path)
    with pytest.raises(IndexUnavailable, match="assistant tune"):
        load_learned(("another",), LEAD_FEATURES, DECISION_FEATURES, FOLLOW_UP_FEATURES, CHOICE_FEATURES, tmp_path)


def test_the_listwise_fit_ranks_the_positive_first() -> None:
    rng = np.random.default_rng(0)
    groups = [rng.normal(size=(6, 2)) for _ in range(40)]
    labels = [g[:, 0] == g[:, 0].max() for g in groups]  # the first feature decides
    weights = fit_listwise(groups, labels, 1e-3)
    assert weights[0] > 5 * abs(weights[1])


def test_the_stacked_ranker_learns_from_every_fold_but_the_one_it_ranks() -> None:
    rng = np.random.default_rng(0)
    found = _OutOfFold()

    def group(deciding: int) -> tuple[np.ndarray, np.ndarray]:
        rows = np.zeros((6, len(PASSAGE_FEATURES)), dtype=np.float32)
        rows[:, :2] = rng.normal(size=(6, 2))
        return rows, rows[:, deciding] == rows[:, deciding].max()

    for fold, deciding in ((0, 0), (1, 1)):  # in fold 0 the first feature decides, in fold 1 the second
        for _ in range(60):
            rows, label = group(deciding)
            found.ranker_groups.append(rows)
            found.ranker_labels.append(label)
            found.ranker_folds.append(fold)

    def first_right(ranker: LinearModel, deciding: int) -> float:
        tests = [group(deciding) for _ in range(100)]
        return float(np.mean([label[np.argmax(ranker.score(rows))] for rows, label in tests]))

    assert first_right(found.ranker_without(0), 1) > 0.9 and first_right(found.ranker_without(0), 0) < 0.6
    assert first_right(found.ranker_without(1), 0) > 0.9 and first_right(found.ranker_without(1), 1) < 0.6
    both = found.ranker_without(None)  # learns from both folds: far above chance (1/6) on both kinds
    assert first_right(both, 0) > 0.4 and first_right(both, 1) > 0.4


def test_the_lead_is_fitted_once_per_fold_for_its_report_and_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.devtools.tune as tune_module

    rng = np.random.default_rng(0)
    found = _OutOfFold()
    for fold in (0, 1, 2):
        for _ in range(200):
            rows = rng.normal(size=(5, len(LEAD_FEATURES))).astype(np.float32)
            found.lead_rows.append((rows, rows[:, 0] == rows[:, 0].max(), rows[:, 1]))
            found.lead_folds.append(fold)
    fitted = []
    real = tune_module.fit_ranking
    monkeypatch.setattr(tune_module, "fit_ranking", lambda *args: fitted.append(args) or real(*args))
    _, report = found.fit_lead()
    assert [found.lead_without(fold) for fold in (0, 1, 2)] == [found.leads[fold] for fold in (0, 1, 2)]
    assert len(fitted) == 4  # one model without each fold, one on all rows
    assert report["cross_validated"]["hit@1"] > 0.8  # the first feature decides in every fold (0.91 here; chance 0.2)


def test_the_layered_fit_learns_what_features_do_together() -> None:
    """The positive is the candidate whose first feature is highest when the second is on, and lowest when it is
    off: no linear scorer ranks both kinds of group, the layer does."""
    rng = np.random.default_rng(0)
    groups, labels = [], []
    for switch in (0.0, 1.0) * 150:
        rows = np.column_stack([rng.normal(size=6), np.full(6, switch)])
        groups.append(rows)
        labels.append(rows[:, 0] == (rows[:, 0].max() if switch else rows[:, 0].min()))
    model = fit_layered(("a", "b"), groups[:200], labels[:200], units=8, l2=1e-4, epochs=60)
    linear = fit_listwise(groups[:200], labels[:200], 1e-3)
    layered_right = np.mean([y[np.argmax(model.score(g))] for g, y in zip(groups[200:], labels[200:], strict=True)])
    linear_right = np.mean([y[np.argmax(g @ linear)] for g, y in zip(groups[200:], labels[200:], strict=True)])
    assert layered_right > 0.9 and linear_right < 0.7
    again = LinearModel.from_dict(model.to_dict(), ("a", "b"))
    assert isinstance(again, LayeredModel) and np.allclose(again.score(groups[0]), model.score(groups[0]), atol=1e-4)


def test_the_layered_fit_applies_to_raw_features_whatever_their_scale() -> None:
    """The fit standardises the features, so fitted on rescaled and shifted features it scores the same up to a
    constant (which a softmax ignores): the weights and the layer are folded back onto the raw features right."""
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(300, 2))
    stretch, shift = np.array([100.0, 0.01]), np.array([50.0, -3.0])
    groups = [rows[i : i + 6] for i in range(0, 300, 6)]
    positives = [g[:, 0] * g[:, 1] == (g[:, 0] * g[:, 1]).max() for g in groups]
    plain = fit_layered(("a", "b"), groups, positives, units=4, l2=1e-4, epochs=10)
    scaled = fit_layered(("a", "b"), [g * stretch + shift for g in groups], positives, units=4, l2=1e-4, epochs=10)
    differences = [plain.score(g) - scaled.score(g * stretch + shift) for g in groups]
    assert max(float(np.ptp(d)) for d in differences) < 1e-3


def test_the_logistic_fit_separates_two_classes() -> None:
    rows = np.array([[0.1], [0.2], [0.3], [0.7], [0.8], [0.9]])
    weights, bias = fit_logistic(rows, np.array([0, 0, 0, 1, 1, 1.0]), 1e-4)
    assert (rows @ weights + bias > 0).tolist() == [False, False, False, True, True, True]


def test_the_decision_threshold_is_the_highest_that_answers_enough_in_scope_questions() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat([1.0, 0.0], 200)
    x = (y * 1.5 + rng.normal(size=400))[:, None]  # overlapping classes: no threshold is right for all
    _, threshold, report = fit_decision(x, y, np.arange(400) % 5, share=0.90)
    answered = report["cross_validated"]["in_scope_answered"]
    assert 0.90 <= answered < 0.95  # enough, and not more than a threshold step's worth
    assert report["threshold"] == round(threshold, 3) and report["cross_validated"]["out_of_scope_declined"] > 0.4
    steps = report["trade_off"]  # answering more in-scope questions declines fewer out-of-scope ones
    assert [s["answered_at_least"] for s in steps] == [0.90, 0.925, 0.95]
    assert steps[0]["threshold"] == report["threshold"]
    assert steps[0]["declined"] == report["cross_validated"]["out_of_scope_declined"]
    assert steps[0]["declined"] > steps[-1]["declined"] and steps[0]["threshold"] > steps[-1]["threshold"]


def test_the_decision_threshold_counts_single_questions_only() -> None:
    """Follow-up turns that are easy to answer must not let the single questions' share fall under the rule."""
    rng = np.random.default_rng(0)
    y = np.repeat([1.0, 1.0, 0.0], 200)
    single = np.repeat([True, False, True], 200)
    x = (np.repeat([1.5, 4.0, 0.0], 200) + rng.normal(size=600))[:, None]  # turns (the middle block) score high
    folds = np.arange(600) % 5
    _, threshold, report = fit_decision(x, y, folds, single)
    assert ANSWERED_AT_LEAST <= report["cross_validated"]["single_questions_answered"] < 0.97
    assert threshold < fit_decision(x, y, folds)[1]  # counting the turns too would answer fewer single questions


def test_conversation_turns_are_read_in_the_state_the_reply_returned(fake_engine) -> None:
    """What the previous reply really cited, not the gold standing in for it, is what a turn is learned in."""
    passages = fake_engine.retriever.index.passages
    turns = load_conversations(DEFAULT_CONVERSATIONS, passages)[0][:2]
    replies = asked(fake_engine, turns)
    as_replied = conversation_examples(fake_engine, turns, 0, replies)[1]
    as_written = conversation_examples(fake_engine, turns, 0)[1]
    assert as_replied.reading is not None and as_replied.reading.together is not None
    assert as_replied.reading.together.cited == replies[0].conversation.cited
    assert as_written.reading is not None and as_written.reading.together is not None
    assert as_written.reading.together.cited == turns[0].ranked_gold
    assert replies[0].conversation.cited != turns[0].ranked_gold  # the reply cites more than the gold


def _labelled(texts: dict[str, bool]) -> list[SimpleNamespace]:
    """Stand-ins for examples: each text as asked, in scope (with a gold passage) or not."""
    return [
        SimpleNamespace(query=SimpleNamespace(text=text), question=SimpleNamespace(gold=gold))
        for text, gold in texts.items()
    ]


def test_the_wording_score_is_centred_on_the_questions_it_was_fitted_on(fake_embedder) -> None:
    """0 is what a model with no wording weights reads: it must mean the average question, not "decline"."""
    texts = {"Vad gjorde Kalix?": True, "Hur får man med politikerna?": True, "Vad tjänar en rektor?": False}
    chosen = _labelled(texts)
    wording = fit_wording(SimpleNamespace(embedder=fake_embedder), chosen * 3)  # type: ignore[arg-type]
    scores = [wording_score(v, wording) for v in fake_embedder.encode_queries(list(texts))]
    assert np.mean(scores) == pytest.approx(0.0, abs=1e-4) and scores[0] > 0 > scores[2]


def test_the_wording_examples_are_each_distinct_question_once_with_its_side(fake_embedder) -> None:
    chosen = _labelled({"Vad gjorde Kalix?": True, "vad gjorde kalix?": True, "Vad tjänar en rektor?": False})
    examples = wording_examples(SimpleNamespace(embedder=fake_embedder), chosen * 2)  # type: ignore[arg-type]
    assert examples.dtype == np.float16 and examples[:, -1].tolist() == [1.0, 0.0]
    assert np.allclose(np.linalg.norm(examples[:, :-1].astype(np.float32), axis=1), 1.0, atol=1e-2)


def test_remembered_queries_encode_each_text_once(fake_embedder) -> None:
    seen: list[str] = []

    class Counting:
        info, query_prefix, passage_prefix = fake_embedder.info, "", ""

        def encode_queries(self, texts: list[str]) -> np.ndarray:
            seen.extend(texts)
            return fake_embedder.encode_queries(texts)

    remembered = RememberedQueries(Counting())  # type: ignore[arg-type]
    first = remembered.encode_queries(["Vad gjorde Kalix?", "Och i Jokkmokk?", "Vad gjorde Kalix?"])
    again = remembered.encode_queries(["Och i Jokkmokk?"])
    assert seen == ["Vad gjorde Kalix?", "Och i Jokkmokk?"]
    assert np.array_equal(
        first, fake_embedder.encode_queries(["Vad gjorde Kalix?", "Och i Jokkmokk?", "Vad gjorde Kalix?"])
    )
    assert np.array_equal(again[0], first[1])
