"""A reply's structure laid out as Markdown and as plain terminal text: structure in, exact text out."""

from __future__ import annotations

from assistant.reply.body import Decline, Excerpt, LeadPart, Quote, ReplyBody, Source, Tip
from assistant.reply.render import to_markdown, to_plain

TITLE = "På väg mot jämställda och attraktiva kommuner"


def source(number: int, section: str, page: int, extra: str = "") -> Source:
    return Source(number, TITLE, section, page, f"{TITLE}, {section}, s. {page}{extra}")


ANSWERED = ReplyBody(
    notices=("Sökte på: vad sa de i kalix",),
    lead=(
        LeadPart("Arbetet tar tid. … Det är *viktigt*.", 1, "paragraph"),
        LeadPart("Vi måste börja nu.", 2, "quote", "Politiker, Kalix"),
    ),
    quotes=(Quote("Det går [inte] fort.", "okänd talare", 3),),
    tips=(Tip("Följ upp arbetet", "Kunskap", 4),),
    excerpts=(Excerpt("Kalix breddade satsningen. …", 5),),
    sources=(
        source(1, "Inledning", 1),
        source(2, "Röster", 2, ", Politiker, Kalix"),
        source(3, "Röster", 3),
        source(4, "Tips för att lyckas", 9, ", tips: Kunskap"),
        source(5, "Kalix", 5),
    ),
)
DECLINED = ReplyBody(
    decline=Decline("Rapporten nämner inte Kiruna", "och verkar inte svara på frågan."),
    nearby=(Excerpt("Pilotverksamheten i Kalix.", 1),),
    sources=(source(1, "Kalix", 5),),
)


def test_an_answer_as_markdown_escapes_report_text_and_lists_its_sources() -> None:
    assert to_markdown(ANSWERED) == (
        "*Sökte på: vad sa de i kalix*\n\n"
        "Arbetet tar tid. … Det är \\*viktigt\\*. [1] ”Vi måste börja nu.” (Politiker, Kalix) [2]\n\n"
        "### Citat\n\n"
        "> ”Det går \\[inte\\] fort.”  \n> — okänd talare [3]\n\n"
        "### Tips ur rapporten\n\n"
        "- **Kunskap:** Följ upp arbetet [4]\n\n"
        "### Läs mer\n\n"
        "- Kalix breddade satsningen. … [5]\n\n"
        "### Källor\n\n"
        f"[1] {TITLE}, Inledning, s. 1  \n"
        f"[2] {TITLE}, Röster, s. 2, Politiker, Kalix  \n"
        f"[3] {TITLE}, Röster, s. 3  \n"
        f"[4] {TITLE}, Tips för att lyckas, s. 9, tips: Kunskap  \n"
        f"[5] {TITLE}, Kalix, s. 5"
    )


def test_the_same_answer_as_plain_text_has_underlined_headings_and_no_markup() -> None:
    assert to_plain(ANSWERED) == (
        "Sökte på: vad sa de i kalix\n\n"
        "Arbetet tar tid. … Det är *viktigt*. [1] ”Vi måste börja nu.” (Politiker, Kalix) [2]\n\n"
        "Citat\n-----\n\n"
        "> ”Det går [inte] fort.”\n> — okänd talare [3]\n\n"
        "Tips ur rapporten\n-----------------\n\n"
        "- Kunskap: Följ upp arbetet [4]\n\n"
        "Läs mer\n-------\n\n"
        "- Kalix breddade satsningen. … [5]\n\n"
        "Källor\n------\n\n"
        f"[1] {TITLE}, Inledning, s. 1\n"
        f"[2] {TITLE}, Röster, s. 2, Politiker, Kalix\n"
        f"[3] {TITLE}, Röster, s. 3\n"
        f"[4] {TITLE}, Tips för att lyckas, s. 9, tips: Kunskap\n"
        f"[5] {TITLE}, Kalix, s. 5"
    )


def test_tips_asked_for_come_before_the_quotes_and_a_tip_leads_with_its_category() -> None:
    body = ReplyBody(
        lead=(LeadPart("Involvera politiken", 1, "tip", "Engagemang"),),
        quotes=(Quote("Ja.", "Politiker, Kalix", 2),),
        tips=(Tip("Följ upp", "Kunskap", 3), Tip("Börja smått", "Tips", 4)),
        tips_first=True,
    )
    assert to_markdown(body) == (
        "**Engagemang:** Involvera politiken [1]\n\n"
        "### Tips ur rapporten\n\n- **Kunskap:** Följ upp [3]\n- **Tips:** Börja smått [4]\n\n"
        "### Citat\n\n> ”Ja.”  \n> — Politiker, Kalix [2]"
    )


def test_a_lead_of_several_tips_is_a_list() -> None:
    body = ReplyBody(
        lead=(
            LeadPart("Utgå från nuläget", 1, "tip", "Engagemang"),
            LeadPart("Involvera politiken", 2, "tip", "Engagemang"),
        )
    )
    assert to_markdown(body, sources=False) == (
        "- **Engagemang:** Utgå från nuläget [1]\n- **Engagemang:** Involvera politiken [2]"
    )


def test_a_decline_says_why_strongly_then_shows_what_is_near() -> None:
    assert to_markdown(DECLINED) == (
        "**Rapporten nämner inte Kiruna** och verkar inte svara på frågan.\n\n"
        "### Närliggande\n\n- Pilotverksamheten i Kalix. [1]\n\n"
        f"### Källor\n\n[1] {TITLE}, Kalix, s. 5"
    )
    assert to_plain(DECLINED).startswith(
        "Rapporten nämner inte Kiruna och verkar inte svara på frågan.\n\nNärliggande\n"
    )


def test_a_reply_without_hits_is_its_message_alone() -> None:
    body = ReplyBody(decline=Decline("", "Jag hittar inget i dokumenten som passar frågan."))
    assert to_markdown(body) == to_plain(body) == "Jag hittar inget i dokumenten som passar frågan."


def test_citations_are_written_as_asked_and_the_sources_can_be_left_out() -> None:
    linked = to_markdown(DECLINED, cite=lambda n: f"[[{n}]](#kalla-{n})")
    assert "- Pilotverksamheten i Kalix. [[1]](#kalla-1)" in linked
    assert linked.endswith(f"[[1]](#kalla-1) {TITLE}, Kalix, s. 5")
    assert to_markdown(DECLINED, sources=False) == to_markdown(DECLINED).split("\n\n### Källor")[0]
