"""Composed replies on the real model: the answer first, verbatim and cited; short; honest when declined."""

from __future__ import annotations

import pytest

from assistant.engine import clean_question
from assistant.errors import InputError
from assistant.reply.render import to_markdown
from assistant.search.retrieve import Filters

TITLE = "På väg mot jämställda och attraktiva kommuner"
"""The report's title, from corpus/README.md."""


def in_passage(shown: str, passage_text: str) -> bool:
    """Shown text is copied from the passage: every piece between "…" stands in it."""
    return all(piece.strip() in passage_text for piece in shown.split("…") if piece.strip())


def test_tip_question_leads_with_the_tips_and_their_sources(engine) -> None:
    answer = engine.ask("Vilka tips finns om uppföljning?").answer
    reply = answer.reply
    assert answer.answered and reply.tips and reply.tips_first
    shown = [(t.category, t.text, t.number) for t in reply.tips]
    shown += [(p.label, p.text, p.number) for p in reply.lead if p.kind == "tip"]
    number = next(n for category, text, n in shown if text.startswith("Säkerställ rutiner och stöd för uppföljning"))
    source = reply.sources[number - 1]
    assert source.citation == f"{TITLE}, Tips för att lyckas, s. 9, tips: Kunskap" and source.title == TITLE


def test_quotes_are_verbatim_with_their_speaker(engine) -> None:
    answer = engine.ask("Vad säger politikerna i Kalix om jämställdhet?").answer
    quoted = [(q.text, q.speaker, q.number) for q in answer.reply.quotes]
    quoted += [(p.text, p.label, p.number) for p in answer.reply.lead if p.kind == "quote"]
    assert quoted, answer.reply
    for text, speaker, number in quoted:
        passage = answer.cited[number - 1].passage
        assert passage.kind == "quote" and speaker == passage.speaker
        assert in_passage(text, passage.text)
    first_quote = next(h.passage for h in answer.cited if h.passage.kind == "quote")
    assert first_quote.speaker == "Politiker, Kalix"


def test_lead_sentences_are_copied_from_the_report_and_cited(engine) -> None:
    answer = engine.ask("Vad händer när nyckelpersoner slutar?").answer
    lead = answer.reply.lead
    assert 1 <= len(answer.lead) <= 3 and 1 <= len(lead) <= 3
    assert all(in_passage(part.text, answer.cited[part.number - 1].passage.text) for part in lead)
    assert all(any(s.text in p.text for p in lead) and s.text in s.passage.text for s in answer.lead)


@pytest.mark.parametrize("question", ["Vad betyder jämställdhet?", "Vad är det viktigaste bidraget från politikerna?"])
def test_a_lead_that_speaks_of_a_quote_shows_it(engine, question: str) -> None:
    """Both lead with "Citatet … illustrerar/visar" about a quote (the first once showed none: no quote among the
    hits).  "Vilka var de största problemen kommunerna stötte på?", the second until the sixth session's refit, no
    longer leads with a commentary."""
    answer = engine.ask(question).answer
    spoken_of = {s.passage.discusses for s in answer.lead if s.text.startswith("Citatet")}
    assert spoken_of and spoken_of <= {h.passage.id for h in answer.shown(answer.reply.quotes)}


def test_the_conversation_keeps_the_place_the_reply_spoke_of(engine) -> None:
    reply = engine.ask("Vad gjorde Kalix?")
    assert reply.conversation.place == "Kalix" and reply.conversation.to_dict()["place"] == "Kalix"


def test_numbers_follow_the_order_of_appearance_and_no_passage_is_shown_twice(engine) -> None:
    answer = engine.ask("Vad gjorde Kalix?").answer
    reply = answer.reply
    assert not reply.tips_first
    order = [part.number for part in (*reply.lead, *reply.quotes, *reply.tips, *reply.excerpts)]
    assert order == [source.number for source in reply.sources] == list(range(1, len(answer.cited) + 1))
    assert len({h.passage.id for h in answer.cited}) == len(answer.cited)


def test_replies_are_short(engine) -> None:
    """Five everyday questions' replies (sources apart): the middle one within 1,500 characters, none past 2,000.

    Measured 2026-12-07 after the bridges and the lead's new features: 389, 804, 1,354, 1,491, 1,891; after the
    fifth session: 458, 1,017, 1,418, 1,487, 1,707 — "Hur gör man arbetet långsiktigt?" leads with "Citatet visar
    …" and now shows that quote; after the sixth: 620, 668, 1,481, 1,487, 1,944 — it leads with "I den dagliga
    verksamheten menar de …", which brings the sentence before it, while the held-out median fell 1,443 → 1,363
    (that median is held by ``test_retrieve.test_quality_floor``)."""
    lengths = sorted(
        len(to_markdown(engine.ask(q).answer.reply, sources=False))
        for q in [
            "Hur får man med politikerna?",
            "Vad gjorde Kalix?",
            "Vilka tips finns om uppföljning?",
            "Hur gör man arbetet långsiktigt?",
            "Vad är styrkedjan?",
        ]
    )
    assert lengths[2] <= 1500 and lengths[-1] <= 2000, lengths


def test_the_definition_of_styrkedjan_is_found(engine) -> None:
    answer = engine.ask("Vad är styrkedjan?").answer
    assert answer.answered
    assert "styrkedja" in to_markdown(answer.reply, sources=False).lower()


def test_another_municipality_is_declined_by_name(engine) -> None:
    answer = engine.ask("Vad har Kiruna kommun gjort för jämställdheten?").answer
    assert not answer.answered
    assert answer.reply.decline and answer.reply.decline.strong.startswith(
        "Rapporten nämner inte Kiruna – den handlar om "
    )
    assert len(answer.cited) <= 2
    assert answer.to_dict()["decision"]["not_covered"] == ["Kiruna"]


def test_a_figure_the_report_never_gives_is_declined(engine) -> None:
    answer = engine.ask("Hur stor andel av cheferna i Haparanda är kvinnor?").answer
    assert not answer.answered and answer.reply.decline
    assert answer.reply.decline.strong.startswith("Rapporten anger inga sådana siffror")


def test_a_far_topic_question_is_declined(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    declined = engine.ask("Hur lagar man köttbullar?")
    answer = declined.answer
    assert not answer.answered
    assert answer.reply.decline and answer.reply.decline.strong.startswith("Rapporten")
    assert 1 <= len(answer.cited) <= 2
    after = engine.ask("What did Kalix do?", conversation=declined.conversation)  # read after it in the trial
    assert after.follows == "" and after.follow_up_probability == 0.0 and after.answer.answered
    kalix = engine.ask("Vad gjorde Kalix?")
    monkeypatch.setattr("assistant.engine._follow_up_probability", lambda *_: 0.0)  # read as a new question
    between = engine.ask("Hur lagar man köttbullar?", conversation=kalix.conversation)
    assert not between.answer.answered and between.conversation == kalix.conversation  # the thread before goes on


def test_chat_swedish_is_mended_and_shown(engine) -> None:
    answer = engine.ask("va sa dom i gallivare om forskarna").answer
    assert answer.searched == "vad sa de i gällivare om forskarna"
    assert answer.reply.notices[0] == "Sökte på: vad sa de i gällivare om forskarna"
    first_quote = next(h.passage for h in answer.cited if h.passage.kind == "quote")
    assert answer.answered and first_quote.municipality == "Gällivare"


def test_officials_words_are_answered_in_the_reports_words(engine) -> None:
    answer = engine.ask("Hur ska vi som skolledning få med lärarna i jämställdhetsarbetet?").answer
    markdown = to_markdown(answer.reply, sources=False)
    assert answer.answered and "Sökte också på: rektor" in markdown
    assert "använder inte" not in markdown  # the report says "rektorer" and "skolpersonalen"


def test_an_english_question_is_answered_from_the_swedish_report(engine) -> None:
    """Ranking across languages, and the decision on English questions (out of fold it answers 0.81 of them).
    "Which municipalities took part in the programme?" finds its passage first but is declined (0.40 against the
    threshold 0.53, docs/evaluation.md): the decision, not this test, is where that is to be mended."""
    found = engine.ask("Which municipalities took part in the programme?").answer
    assert "Övertorneå, Kalix, Haparanda, Jokkmokk och Gällivare" in found.hits[0].passage.text
    answer = engine.ask("How do you get the politicians involved?").answer
    assert answer.answered
    assert any("politik" in sentence.text.lower() for sentence in answer.lead)


def test_follow_ups_use_the_previous_question_and_say_which_filter_they_set(engine) -> None:
    first = engine.ask("Hur viktig är forskningen för arbetet?")
    follow = engine.ask("Och i Gällivare?", previous_query=first.query)
    assert follow.query == "Hur viktig är forskningen för arbetet? Och i Gällivare?"
    assert follow.inferred == Filters(municipality="Gällivare")
    top = follow.answer.hits[0].passage
    assert "Gällivare" in (top.municipality or top.text) and "forskare" in top.text
    fresh = engine.ask("Vad är styrkedjan?", previous_query=first.query)
    assert fresh.query == "Vad är styrkedjan?" and fresh.inferred == Filters()


def test_a_conversation_reads_pronouns_and_answers_as_follow_ups_and_a_new_topic_alone(engine) -> None:
    first = engine.ask("Vad gjorde Kalix?")
    pronoun = engine.ask("Hur gjorde de före projektet?", conversation=first.conversation)
    assert pronoun.follow_up_probability >= 0.5 and pronoun.follows == "Vad gjorde Kalix?"
    why = engine.ask("Varför då?", conversation=pronoun.conversation)
    assert why.follow_up_probability >= 0.5 and why.conversation.topic.opening == "Vad gjorde Kalix?"
    assert why.follows == "Hur gjorde de före projektet?"  # the chat's "Följdfråga till" names the previous turn
    new = engine.ask("Vad är CEMR-deklarationen?", conversation=why.conversation)
    assert new.follow_up_probability < 0.5 and new.conversation.topic.opening == "Vad är CEMR-deklarationen?"
    assert "CEMR" in new.answer.hits[0].passage.text


def test_a_filter_combination_that_excludes_everything_says_which_filter_to_remove(engine) -> None:
    with pytest.raises(InputError, match="Inga tips är knutna till en kommun – ta bort kommunfiltret"):
        engine.ask("uppföljning", filters=Filters(kind="tips", municipality="Kalix"))


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


def test_json_states_what_the_reply_shows(engine) -> None:
    data = engine.ask("Vad säger politikerna om uppföljning?", top_k=6).answer.to_dict()
    assert {"question", "answered", "answer", "results", "reply", "decision", "searched"} <= set(data)
    assert len(data["results"]) == 6
    assert {"id", "kind", "text", "document", "section", "title", "page", "citation", "score"} <= set(
        data["results"][0]
    )
    reply = data["reply"]
    assert set(reply) == {"lead", "quotes", "tips", "excerpts"}
    ids = {r["id"] for r in data["results"]}
    assert all(s["id"] in ids and s["text"] in data["answer"].replace("\\", "") for s in reply["lead"])
    assert all(q["kind"] == "quote" for q in reply["quotes"])


@pytest.mark.parametrize("question", ["🙂🙂🙂", "# Rubrik\n---\n| a |", "Что сделал Каликс?"])
def test_odd_questions_get_a_sensible_reply(engine, question: str) -> None:
    answer = engine.ask(question).answer
    assert answer.cited and [s.number for s in answer.reply.sources] == list(range(1, len(answer.cited) + 1))
