"""The answered decision: places and years the documents lack (rules), then the model; the decline message."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, SHARED_DOCUMENTS, needs_shared_documents

from assistant.documents.passages import Passage
from assistant.reply.answer import compose
from assistant.reply.answerability import (
    DECISION_FEATURES,
    Decision,
    absent_words,
    decide,
    decision_features,
    decline_message,
    neighbour_score,
    wording_score,
)
from assistant.reply.body import Decline
from assistant.search.coverage import Coverage
from assistant.search.learned import LinearModel
from assistant.search.lexical import tokenize
from assistant.search.places import swedish_places
from assistant.search.query import Query
from tests.test_reply import LEAD

PLACES = ("Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare")
TEXTS = [
    "Länets alla 14 kommuner har undertecknat deklarationen under perioden 2018-2021.",
    "Pilotverksamheten i Kalix arbetade med förskolan och skolan.",
]
COVERAGE = Coverage(frozenset(t for text in TEXTS for t in tokenize(text)), PLACES, frozenset({"2018", "2021"}))
SENTENCE_MODEL = LinearModel(
    DECISION_FEATURES, np.array([100.0 if n == "best_sentence_cos" else 0.0 for n in DECISION_FEATURES]), -80.0
)
"""Answers exactly when the best sentence's cosine is at least 0.8: the rules and plumbing, not learned weights."""


def hit(text: str, cosine: float, lexical: float = 1.0):
    from assistant.search.retrieve import Hit

    passage = Passage(
        id=f"p-{abs(hash(text)) % 10**8}", kind="paragraph", text=text, document="rapport", section="Inledning", page=1
    )
    return Hit(passage, 1.0, cosine, lexical, 0.0, (text,), (cosine,))


def query(text: str, language: str = "sv", intent: str = "general") -> Query:
    places = tuple(swedish_places().named(text)) if language == "sv" else ()
    years = tuple(w for w in text.replace("?", " ").split() if w.isdigit() and len(w) == 4)
    return Query(text, text, language, intent, places=places, years=years)  # type: ignore[arg-type]


def decided(text: str, cosine: float, language: str = "sv", intent: str = "general") -> Decision:
    return decide(query(text, language, intent), [hit(TEXTS[1], cosine)], COVERAGE, PLACES, SENTENCE_MODEL, 0.5)


def test_a_municipality_the_documents_do_not_cover_is_declined_by_name() -> None:
    decision = decided("Vad har Kiruna kommun gjort?", 0.95)
    assert (decision.answered, decision.reason, decision.not_covered) == (False, "place", ("Kiruna",))
    assert decline_message(decision) == Decline(
        "Rapporten nämner inte Kiruna – den handlar om Övertorneå, Kalix, Haparanda, Jokkmokk och Gällivare."
    )
    assert decline_message(decision, "Dokumentet ”Budget”").strong.startswith(
        "Dokumentet ”Budget” nämner inte Kiruna – det"
    )


def test_english_words_are_never_places() -> None:
    assert decided("What are the main tips for a municipality?", 0.9, language="en").answered
    assert decided("Vilka tips finns om uppföljning?", 0.9).answered


def test_a_year_the_documents_never_mention_is_declined() -> None:
    decision = decided("Vad beslutades i Kalix 2023?", 0.95)
    assert (decision.answered, decision.reason, decision.not_covered) == (False, "year", ("2023",))
    assert decided("Vad hände 2018?", 0.95).answered
    assert decline_message(decision) == Decline("Rapporten nämner inte 2023", "och verkar inte svara på frågan.")


def test_a_declined_figure_question_says_no_such_figures() -> None:
    decision = decided("Hur stor budget hade förskolan?", 0.7, intent="figure")
    assert (decision.answered, decision.reason) == (False, "figure")
    assert decline_message(decision) == Decline("Rapporten anger inga sådana siffror.")


def test_a_duration_is_met_by_a_time_in_words() -> None:
    asked = query("Hur lång tid tar det innan man ser skillnad?", intent="figure")
    in_words = [hit("Förändringsarbete tar tid och kräver uthållighet.", 0.7)]
    row = decision_features(asked, in_words, COVERAGE, [])[0]
    assert row[DECISION_FEATURES.index("figure_unmet")] == 0.0
    budget = decision_features(query("Hur stor var budgeten?", intent="figure"), in_words, COVERAGE, [])[0]
    assert budget[DECISION_FEATURES.index("figure_unmet")] == 1.0  # "tid" answers a duration, not a budget


def test_the_model_decides_the_rest_and_absent_words_are_named() -> None:
    assert decided("Hur arbetade förskolan?", 0.9).answered
    weak = decided("Hur arbetade förskolan?", 0.7)
    assert not weak.answered and weak.reason == "weak_match" and weak.probability is not None
    absent = decided("Hur arbetar äldreomsorgen?", 0.85)
    assert absent.answered and absent.absent_words == ("äldreomsorgen",)
    verbs = decided("Hur funkade äldreomsorgen?", 0.85)  # "funkade" counts as absent, but is not named
    assert verbs.absent_words == ("äldreomsorgen",)
    declined = decided("Vad kostade äldreomsorgen?", 0.3)
    assert declined.not_covered == ("äldreomsorgen",) and "kostade" not in decline_message(declined).strong


def test_a_compound_whose_every_part_the_documents_use_is_not_absent() -> None:
    coverage = Coverage(frozenset(tokenize("Piloterna drev projektet i skolan.")))
    assert absent_words(query("Hur gick pilotprojektet?"), coverage) == []
    assert absent_words(query("Vad säger Skolverket?"), coverage) == ["skolverket"]  # "skola", but not "verk"


def test_a_declined_reply_shows_at_most_two_nearby_passages() -> None:
    hits = [hit(f"{TEXTS[1]} ({n})", 0.7) for n in range(5)]
    decision = Decision(False, "place", ("Kiruna",), covered=PLACES)
    answer = compose(Query("Vad gjorde Kiruna?", "Vad gjorde Kiruna?"), hits, decision, LEAD)
    assert not answer.answered and len(answer.cited) == 2
    assert [e.number for e in answer.reply.nearby] == [1, 2] and not answer.reply.lead
    assert answer.reply.decline == decline_message(decision)
    assert answer.to_dict()["decision"] == {
        "answered": False,
        "reason": "place",
        "not_covered": ["Kiruna"],
        "absent_words": [],
        "probability": None,
    }


def test_a_probability_at_the_threshold_answers() -> None:
    assert decided("Hur arbetade förskolan?", 0.8).answered  # SENTENCE_MODEL's probability is 0.5 here


def test_the_ranker_margin_is_how_far_the_best_leads() -> None:
    best, second = replace(hit(TEXTS[0], 0.9), logit=2.0), replace(hit(TEXTS[1], 0.8), logit=0.5)
    row = decision_features(query("Hur arbetade förskolan?"), [best, second], COVERAGE, [])
    assert row[0, DECISION_FEATURES.index("ranker_margin")] == 1.5


WORDING_MODEL = LinearModel(DECISION_FEATURES, np.array([1.0 if n == "wording" else 0.0 for n in DECISION_FEATURES]))
"""Answers exactly when the question's wording reads like an answered one (a positive wording score)."""


def test_the_wording_score_decides_between_equal_matches() -> None:
    asked = query("Vad tjänar en rektor i Kalix?")
    hits = [hit(TEXTS[1], 0.85)]
    assert decide(asked, hits, COVERAGE, PLACES, WORDING_MODEL, 0.5, wording=2.0).answered
    declined = decide(asked, hits, COVERAGE, PLACES, WORDING_MODEL, 0.5, wording=-2.0)
    assert not declined.answered and declined.reason == "weak_match"


def test_the_wording_score_is_the_linear_model_over_the_question_vector() -> None:
    vector = np.array([0.6, 0.8], dtype=np.float32)
    assert wording_score(vector, np.array([1.0, -2.0, 0.5])) == pytest.approx(0.6 - 1.6 + 0.5)
    assert wording_score(vector, None) == 0.0  # no wording model: no evidence either way
    assert wording_score(vector, np.ones(4)) == 0.0  # one for another model's dimension is not applied


def test_the_neighbour_score_is_how_much_nearer_the_answered_questions_lie() -> None:
    answered = [[1.0, 0.0, 1.0], [0.8, 0.6, 1.0], [0.6, 0.8, 1.0]]
    declined = [[0.0, 1.0, 0.0], [-0.6, 0.8, 0.0], [-1.0, 0.0, 0.0]]
    examples = np.array(answered + declined, dtype=np.float16)
    near_answered = np.array([1.0, 0.0], dtype=np.float32)
    expected = (1.0 + 0.8 + 0.6) / 3 - (0.0 - 0.6 - 1.0) / 3
    assert neighbour_score(near_answered, examples) == pytest.approx(expected, abs=1e-3)
    assert neighbour_score(-near_answered, examples) == pytest.approx(-expected, abs=1e-3)
    assert neighbour_score(near_answered, None) == 0.0  # no examples: no evidence either way
    assert neighbour_score(near_answered, examples[:4]) == 0.0  # fewer than three of a side
    assert neighbour_score(np.ones(3, dtype=np.float32), examples) == 0.0  # another model's dimension


def test_the_engine_reads_the_wording_of_the_question_itself(fake_engine) -> None:
    learned = fake_engine.learned
    dimension = fake_engine.embedder.dimension
    wording = np.append(np.ones(dimension), 0.25).astype(np.float32)
    asked = fake_engine.understand("Vad tjänar en rektor i Kalix?")[0]
    vector = fake_engine.embedder.encode_queries([asked.text])[0]
    hits = fake_engine.retriever.search(asked, k=5)
    try:
        fake_engine.use(
            replace(learned, adapter=None, wording=wording, adapter_model=fake_engine.embedder.info.fingerprint)
        )
        assert fake_engine.wording(asked, hits)[0] == pytest.approx(float(vector.sum()) + 0.25, abs=1e-4)
        fake_engine.use(replace(learned, adapter=None, wording=wording, adapter_model="another model"))
        assert fake_engine.wording(asked, hits) == (0.0, 0.0)
    finally:
        fake_engine.use(learned)


def test_the_wording_reads_the_vector_ranking_encoded(fake_engine) -> None:
    """A single question is encoded once: the decision reuses the vector ranking computed (before the adapter)."""
    learned, embedder = fake_engine.learned, fake_engine.embedder
    seen: list[str] = []

    class Counting:
        info, dimension = embedder.info, embedder.dimension
        query_prefix, passage_prefix = embedder.query_prefix, embedder.passage_prefix

        def encode_queries(self, texts: list[str]) -> np.ndarray:
            seen.extend(texts)
            return embedder.encode_queries(texts)

    wording = np.append(np.ones(embedder.dimension), 0.0).astype(np.float32)
    try:
        fake_engine.embedder = Counting()
        fake_engine.use(replace(learned, adapter=None, wording=wording, adapter_model=embedder.info.fingerprint))
        reply = fake_engine.ask("Vad tjänar en rektor i Kalix?")
        assert reply.answer.decision.probability is not None
        assert seen.count(reply.query) == 1  # the searched text, which is the question itself here
    finally:
        fake_engine.embedder = embedder
        fake_engine.use(learned)


def _with_snow_clearing(tmp_path: Path, embedder):
    """An engine over the report and an added one-paragraph document about snow clearing."""
    from assistant.engine import Engine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus)
    (corpus / "snorojning.md").write_text(
        "# Snöröjning\n\nSnöröjningen av gång- och cykelvägar börjar när snödjupet når fem centimeter.\n"
    )
    return Engine(corpus, tmp_path / "index", embedder)


def test_the_wording_gives_no_evidence_on_a_question_another_document_answers_best(
    tmp_path: Path, fake_embedder
) -> None:
    """The wording model learned what questions about the report read like: it must not decline a question an
    added document answers (the added SKL report's "Hur många kommunpolitiker hoppar av i förtid?" was)."""
    engine = _with_snow_clearing(tmp_path, fake_embedder)
    added, report = "När börjar snöröjningen av cykelvägar?", "Vad gjorde Kalix?"
    assert engine.ask(added).answer.hits[0].passage.document == "snorojning"
    without = {q: engine.ask(q).answer.decision.probability for q in (added, report)}
    declining = np.append(np.zeros(fake_embedder.dimension), -50.0).astype(np.float32)
    engine.use(replace(engine.learned, adapter=None, wording=declining, adapter_model=fake_embedder.info.fingerprint))
    assert engine.ask(added).answer.decision.probability == pytest.approx(without[added])
    assert engine.ask(report).answer.decision.probability < without[report]


def test_a_question_another_document_answers_best_is_decided_by_the_model_without_the_reports_priors(
    tmp_path: Path, fake_embedder
) -> None:
    engine = _with_snow_clearing(tmp_path, fake_embedder)
    learned = engine.learned
    declines, answers = (replace(learned.decision, bias=bias) for bias in (-50.0, 50.0))
    engine.use(replace(learned, decision=declines, other_decision=answers))
    assert engine.ask("När börjar snöröjningen av cykelvägar?").answer.answered
    assert not engine.ask("Vad gjorde Kalix?").answer.answered


@needs_shared_documents
def test_questions_an_added_real_document_answers_are_answered(embedder, tmp_path: Path) -> None:
    """The new-user trial (2026-12-07, fifth session) added the SKL report in the chat: these were declined (0.41–
    0.46), the first result the answer, as the report's decision read priors of the report's own questions."""
    from assistant.engine import Engine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus)
    shutil.copy(SHARED_DOCUMENTS / "skl2015_att_ta_plats_i_politiken.pdf", corpus)
    engine = Engine(corpus, tmp_path / "index", embedder)
    for question in (
        "Vilka grupper är underrepresenterade i kommunfullmäktige?",
        "Hur många kommunpolitiker lämnar sitt uppdrag i förtid?",
        "Hur många färre partimedlemmar finns det idag?",
    ):
        answer = engine.ask(question).answer
        assert answer.answered and answer.hits[0].passage.document == "skl2015_att_ta_plats_i_politiken", question
    assert not engine.ask("Hur lagar man köttbullar?").answer.answered


PLAIN_QUESTIONS = (
    "Which municipalities took part in the programme?",
    "Var börjar man med jämställdhet i en liten kommun?",
    "Var börjar man om man är ny jämställdhetsstrateg?",
)
"""Plain questions the report answers that the decision declined (0.40 and 0.51 against a threshold of 0.53,
2026-12-07, third session): the question's linear wording score overruled retrieval that found the answer first.
The nearest-neighbour wording feature answers the first two (0.75 and 0.81, fourth session); the third (0.56) is
answered since the threshold answers 0.95 of in-scope questions out of fold (0.44, fifth session)."""
STILL_DECLINED = ("Vilka kommuner deltog i programmet?",)
"""A plain question the report answers that the decision still declines (0.39 against 0.61, fourth session; 0.42
against 0.44, fifth).  Clipping the wording term, a stronger ridge on it, or gating it by the ranker's or the best
sentence's score answered it only by letting near-topic out-of-scope questions through (cross-validated near-topic
declined 0.93 → 0.76–0.90), so the defect stands, recorded here."""


STILL_OPEN = pytest.mark.xfail(strict=True, reason="the wording terms overrule strong retrieval (issue 23)")


@pytest.mark.parametrize(
    "question", [*PLAIN_QUESTIONS, *(pytest.param(question, marks=STILL_OPEN) for question in STILL_DECLINED)]
)
def test_a_plain_question_the_report_answers_is_answered(engine, question: str) -> None:
    decision = engine.ask(question).answer.decision
    assert decision.answered, f"{question}: answerability {decision.probability:.2f}"
