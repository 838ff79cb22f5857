"""What the chat shows as text: highlights, source heads, filter lines, build times, the Markdown transcript."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from assistant.documents.corpus import DocumentSummary
from assistant.documents.passages import Passage
from assistant.interfaces.presentation import (
    Turn,
    applied_filters,
    build_summary,
    built_text,
    chat_message,
    documents_described,
    filter_line,
    marked_text,
    passages_text,
    source_head,
    sources_html,
    transcript,
)
from assistant.reply.answer import Answer
from assistant.reply.body import Excerpt, ReplyBody, Source
from assistant.search.build import BuildReport
from assistant.search.retrieve import Filters, Hit

TIP = Passage("t-1", "tip", "Följ upp arbetet varje år.", "rapport", "Tips för att lyckas", 9, category="Engagemang")
QUOTE = Passage(
    "q-1",
    "quote",
    "Det kommer att ta tid. Uppföljningen är viktig för oss.",
    "rapport",
    "Röster",
    3,
    role="Politiker",
    municipality="Kalix",
)


def marks(html: str, kind: str) -> list[str]:
    return re.findall(rf'<mark class="{kind}">(.*?)</mark>', html)


def test_content_words_are_marked_but_not_common_question_verbs_or_stopwords() -> None:
    html = marked_text(QUOTE.text, "Hur kommer uppföljningen att gå?")
    assert "Uppföljningen" in marks(html, "word")
    assert "kommer" not in marks(html, "word")
    assert "att" not in marks(html, "word")


def test_matched_sentences_are_marked_strongly_with_their_words_inside() -> None:
    html = marked_text(QUOTE.text, "uppföljning", ("Uppföljningen är viktig för oss.",))
    sentence = '<mark class="sentence"><mark class="word">Uppföljningen</mark> är viktig för oss.</mark>'
    assert html == f"Det kommer att ta tid. {sentence}"


def test_marked_text_escapes_html_and_skips_sentences_it_cannot_find() -> None:
    html = marked_text("<b>Skolan</b> & förskolan.", "skolan", ("Finns inte här.",))
    assert html.startswith('&lt;b&gt;<mark class="word">Skolan</mark>&lt;/b&gt; &amp;')
    assert 'class="sentence"' not in html


def test_a_tip_source_names_its_kind_once_and_a_quote_gets_its_label() -> None:
    assert source_head(1, Hit(TIP, 1.0, 1.0, 1.0)) == "[1] rapport, Tips för att lyckas, s. 9, tips: Engagemang"
    assert source_head(2, Hit(QUOTE, 1.0, 1.0, 1.0)).endswith('<span class="kind">(citat)</span>')


def test_sources_panel_without_an_answer_invites_a_question() -> None:
    assert "Ställ en fråga" in sources_html(None, "")
    panel = sources_html(Answer("q", True, ReplyBody(), [], [Hit(TIP, 1.0, 1.0, 1.0)]), "uppföljning")
    assert 'id="kalla-1"' in panel


def test_filter_line_tells_read_filters_from_chosen_ones() -> None:
    applied = applied_filters(Filters("Jokkmokk", "Politiker", "citat"), Filters(municipality="Jokkmokk"))
    assert filter_line(applied) == "Filtrerat på: Jokkmokk (ur frågan), Politiker (ditt val), citat (ditt val)"
    assert filter_line(applied_filters(Filters(), Filters())) == ""
    assert filter_line(applied_filters(Filters(kind="quote"), Filters())) == "Filtrerat på: citat (ditt val)"
    carried = applied_filters(Filters("Jokkmokk"), Filters("Jokkmokk"), "Vad sa rektorerna där?", follows=True)
    assert filter_line(carried) == "Filtrerat på: Jokkmokk (ur samtalet)"
    named = applied_filters(Filters("Jokkmokk"), Filters("Jokkmokk"), "Och i Jokkmokk?", follows=True)
    assert filter_line(named) == "Filtrerat på: Jokkmokk (ur frågan)"
    mended = applied_filters(Filters("Övertorneå"), Filters("Övertorneå"), "Och i Övertorneå?", follows=True)
    assert filter_line(mended) == "Filtrerat på: Övertorneå (ur frågan)"  # the chat passes "Och i Overtornea?" mended


def test_build_time_is_swedish_local_time_with_its_age() -> None:
    now = datetime(2026, 11, 30, 9, 46, tzinfo=UTC)
    assert built_text("2026-11-30T09:41:50+00:00", now) == "byggt i dag 10:41 (för 4 minuter sedan)"
    assert built_text("2026-11-29T20:00:00+00:00", now) == "byggt i går 21:00 (för 13 timmar sedan)"
    assert built_text("2026-07-01T08:00:00+00:00", now) == "byggt 1 juli 10:00 (för 152 dagar sedan)"
    assert built_text("2025-12-24T08:00:00+00:00", now).startswith("byggt 24 dec 2025 09:00")
    assert built_text("2026-11-30T09:45:30+00:00", now) == "byggt i dag 10:45 (nyss)"


def test_a_chat_reply_links_its_citations_and_leads_with_its_filters() -> None:
    hit = Hit(TIP, 1.0, 1.0, 1.0)
    reply = ReplyBody(
        excerpts=(Excerpt("Text [2] ur rapporten.", 1),),
        sources=(Source(1, "rapport", "Tips för att lyckas", 9, TIP.citation),),
    )
    answer = Answer("fråga", True, reply, [hit], [hit])
    assert chat_message(answer, "Filtrerat på: Kalix (ur frågan)") == (
        "*Filtrerat på: Kalix (ur frågan)*\n\n"
        "### Läs mer\n\n- Text \\[2\\] ur rapporten. [[1]](#kalla-1)\n\n"
        "### Källor\n\n[[1]](#kalla-1) rapport, Tips för att lyckas, s. 9, tips: Engagemang"
    )
    assert chat_message(answer).startswith("### Läs mer")


def test_transcript_has_every_question_its_reply_and_filters() -> None:
    turns = [
        Turn("Vad gjorde Kalix?", "Svar [1]\n\n### Källor\n\n[1] rapport, s. 3"),
        Turn("Och i Jokkmokk?", "Svar [1]", "Filtrerat på: Jokkmokk (ur frågan)"),
    ]
    title = "På väg mot jämställda och attraktiva kommuner"
    report = DocumentSummary("rapport.txt", "rapport", title, "text", 0, "", {})
    text = transcript(turns, datetime(2026, 11, 30, 9, 46, tzinfo=UTC), [report])
    assert text.startswith(
        "# Samtal med Rapportassistenten\n\n"
        "Rapporten *På väg mot jämställda och attraktiva kommuner* (Norrbottens Kommuner). Sparat"
    )
    assert "Sparat 30 nov 2026 10:46." in text
    assert "## 1. Vad gjorde Kalix?\n\nSvar [1]\n\n### Källor\n\n[1] rapport, s. 3" in text
    assert "## 2. Och i Jokkmokk?\n\n*Filtrerat på: Jokkmokk (ur frågan)*\n\nSvar [1]\n" in text


def test_the_documents_named_follow_what_is_loaded() -> None:
    plan = DocumentSummary("plan.md", "plan", "Handlingsplan", "markdown", 0, "", {})
    other = DocumentSummary("rapport.txt", "rapport", "Rapport", "text", 0, "", {})
    assert documents_described([plan]) == "Dokumentet *Handlingsplan*"
    assert documents_described([plan, other]) == "Dokumenten *Handlingsplan* och *Rapport*"


def test_a_rebuild_is_summed_up_in_swedish_with_a_decimal_comma() -> None:
    report = BuildReport(Path("/tmp/x"), 65, ["rapport.txt"], ["trasig.pdf"], 2.14, embedded=3, reused=272)
    assert build_summary(report) == (
        "Klart: indexet byggdes om, 65 stycken ur 1 dokument på 2,1 s. Hoppade över: trasig.pdf."
    )  # no vectors, no cache: a reader's words


def test_only_the_best_sentences_of_a_source_are_marked_strongly() -> None:
    text = "Första meningen. Andra meningen. Tredje meningen."
    passage = Passage(id="p-1", kind="paragraph", text=text, document="rapport", section="Inledning", page=1)
    hit = Hit(passage, 1.0, 0.9, 1.0, 0.0, ("Andra meningen.", "Tredje meningen.", "Första meningen."), (0.9, 0.8, 0.7))
    answer = Answer("fråga", True, ReplyBody(), [hit], [hit])
    assert sources_html(answer, "fråga").count('class="sentence"') == 2


def test_a_count_of_passages_is_singular_for_one() -> None:
    assert (passages_text(1), passages_text(0), passages_text(68)) == ("1 stycke", "0 stycken", "68 stycken")


def test_the_chat_invites_questions_about_what_is_loaded() -> None:
    from types import SimpleNamespace

    from assistant.interfaces.document_lists import chat_placeholder

    report = DocumentSummary("rapport.txt", "rapport", "På väg", "text", 0, "", {})
    plan = DocumentSummary("plan.md", "plan", "Handlingsplan", "markdown", 0, "", {})
    loaded = SimpleNamespace(documents=lambda: [report])
    assert chat_placeholder(loaded) == "Ställ en fråga om rapporten, t.ex. ”Vad gjorde Kalix?”"  # type: ignore[arg-type]
    loaded = SimpleNamespace(documents=lambda: [report, plan])
    assert chat_placeholder(loaded) == "Ställ en fråga om dokumenten, t.ex. ”Vad gjorde Kalix?”"  # type: ignore[arg-type]
    loaded = SimpleNamespace(documents=lambda: [plan])
    assert chat_placeholder(loaded) == "Ställ en fråga om dokumentet"  # type: ignore[arg-type]
