"""Composed replies: the report's own words, cited; follow-ups; unanswerable questions."""

from __future__ import annotations

import re

import pytest

from assistant.engine import clean_question
from assistant.errors import InputError
from assistant.reply.conversation import contextualize, is_follow_up


def report_texts(engine) -> list[str]:
    return [p.text for p in engine.retriever.index.passages]


def test_tip_question_gets_the_tip_with_category_and_source(engine) -> None:
    answer = engine.ask("Vilka tips finns om uppföljning?").answer
    assert answer.answered
    assert "- **Kunskap:** Säkerställ rutiner och stöd för uppföljning av jämställdhetsarbetet [" in answer.markdown
    assert re.search(r"\[\d+\] rapport, Tips för att lyckas, s\. 9, tips: Kunskap", answer.markdown)


def test_quotes_are_verbatim_with_speaker(engine) -> None:
    answer = engine.ask("Hur får man med politikerna?").answer
    quotes = re.findall(r"^> ”(.+)”  \n> — (.+) \[(\d+)\]$", answer.markdown, flags=re.M)
    assert quotes, answer.markdown
    texts = report_texts(engine)
    for text, speaker, number in quotes:
        passage = answer.cited[int(number) - 1].passage
        assert passage.text == text.replace("\\", "") and text.replace("\\", "") in texts
        assert speaker == passage.speaker
    assert any(speaker.startswith("Politiker") for _, speaker, _ in quotes)


def test_lead_sentences_come_from_the_report_and_are_cited(engine) -> None:
    answer = engine.ask("Vad händer när nyckelpersoner slutar?").answer
    lead = answer.markdown.split("\n\n")[0]
    sentences = re.findall(r"(.+?) \[(\d+)\]", lead)
    assert 1 <= len(sentences) <= 3
    for sentence, number in sentences:
        assert sentence.strip().replace("\\", "") in answer.cited[int(number) - 1].passage.text


def test_every_citation_number_has_a_source_line(engine) -> None:
    answer = engine.ask("Vad gjorde Kalix?").answer
    body, sources = answer.markdown.split("### Källor")
    used = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = {int(n) for n in re.findall(r"^\[(\d+)\]", sources.strip(), flags=re.M)}
    assert used == listed == set(range(1, len(answer.cited) + 1))


def test_out_of_scope_question_says_so_and_offers_closest(engine) -> None:
    answer = engine.ask("Hur lagar man köttbullar?").answer
    assert not answer.answered
    assert answer.markdown.startswith("**Rapporten verkar inte svara på den frågan.**")
    assert 1 <= len(answer.cited) <= 3


def test_follow_up_questions_use_the_previous_one(engine) -> None:
    assert is_follow_up("Och i Kalix?") and is_follow_up("Vad sa politikerna om det?")
    assert not is_follow_up("Vilka tips finns om uppföljning av jämställdhetsarbetet?")
    first = engine.ask("Hur viktig är forskningen för arbetet?")
    follow = engine.ask("Och i Gällivare?", previous_query=first.query)
    assert follow.query == "Hur viktig är forskningen för arbetet? Och i Gällivare?"
    top = follow.answer.hits[0].passage
    assert top.municipality == "Gällivare" and "forskare" in top.text
    politicians = engine.ask("Vad sa politikerna om det?", previous_query=first.query)
    assert contextualize("Vad sa politikerna om det?", first.query) == politicians.query
    assert {h.passage.role for h in politicians.answer.hits} == {"Politiker"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Skriv en fråga"),
        ("   \n\t ", "Skriv en fråga"),
        ("\x00\x01", "Skriv en fråga"),
        ("x" * 100_000, "Frågan är för lång"),
        ("jämställdhet " * 200, "Frågan är för lång"),
    ],
)
def test_unusable_questions_get_a_swedish_message(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        clean_question(text)


def test_control_characters_are_removed() -> None:
    assert clean_question("Vad\x00 gjorde\u200b  Kalix?\n") == "Vad gjorde Kalix?"


def test_json_shape(engine) -> None:
    data = engine.ask("Vad gjorde Kalix?", top_k=4).answer.to_dict()
    assert set(data) == {"question", "answered", "answer", "results"}
    assert len(data["results"]) == 4
    assert set(data["results"][0]) == {
        "id",
        "kind",
        "text",
        "document",
        "title",
        "section",
        "page",
        "role",
        "municipality",
        "category",
        "citation",
        "score",
    }


@pytest.mark.parametrize(
    "question", ["🙂🙂🙂", "What did Kalix do for gender equality?", "# Rubrik\n---\n| a |", "Что сделал Каликс?"]
)
def test_odd_questions_get_a_sensible_reply(engine, question: str) -> None:
    answer = engine.ask(question).answer
    assert answer.markdown and answer.cited
    assert "### Källor" in answer.markdown
