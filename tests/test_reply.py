"""Composing a reply from made-up hits: what the lead takes and leaves out, and the reply's structure."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.documents.passages import Kind, Passage
from assistant.documents.sentences import sentence_spans
from assistant.reply.answer import NO_HITS, _in_text_order, compose
from assistant.reply.answerability import Decision
from assistant.reply.body import Decline, Excerpt, LeadPart, Quote, Source, Tip
from assistant.reply.choice import Offered
from assistant.reply.lead import LEAD_FEATURES, Focus, lead_features, sentence_candidates
from assistant.reply.render import to_markdown
from assistant.search.bridges import Bridge
from assistant.search.learned import LinearModel
from assistant.search.query import Query
from assistant.search.retrieve import Hit

PLACES = ("Övertorneå", "Kalix", "Haparanda", "Jokkmokk", "Gällivare")
ABOUT_KALIX = "I Kalix har jämställdhet integrerats i skolans utvecklingssamtal och föräldramöten."
ABOUT_JOKKMOKK = "I Jokkmokk har förståelsen av könsskillnader i skolresultat fördjupats."
ANSWERED = Decision(True, "answered")
NOT_ANSWERED = Decision(False, "weak_match")
LEAD = LinearModel(
    LEAD_FEATURES,
    np.array([{"sentence_cos": 20.0, "elsewhere": -5.0}.get(n, 0.0) for n in LEAD_FEATURES], dtype=np.float32),
)
"""Leads with the sentence closest to the question, never one about another place than the one asked about."""


def made(
    kind: Kind,
    text: str,
    cosine: float,
    score: float,
    role: str | None = None,
    municipality: str | None = None,
    category: str | None = None,
) -> Hit:
    """A hit on a made-up passage whose best sentence is its whole text."""
    passage = Passage(
        id=f"{kind[0]}-{abs(hash(text)) % 10**8}",
        kind=kind,
        text=text,
        document="rapport",
        section="Röster från pilotverksamheterna",
        page=5,
        role=role,
        municipality=municipality,
        category=category,
    )
    return Hit(passage, score, cosine, 1.0, 0.0, (text,), (cosine,))


def paragraph(text: str, cosine: float, score: float) -> Hit:
    return made("paragraph", text, cosine, score)


def asked(text: str) -> Query:
    return Query(text, text)


def test_the_lead_leaves_out_a_sentence_about_another_municipality_than_the_one_asked_about() -> None:
    hits = [paragraph(ABOUT_KALIX, 0.90, 1.0), paragraph(ABOUT_JOKKMOKK, 0.86, 0.9)]
    question = asked("Vad har man gjort i skolan?")
    focused = compose(question, hits, ANSWERED, LEAD, focus=Focus("Jokkmokk", PLACES))
    assert [s.text for s in focused.lead] == [ABOUT_JOKKMOKK]
    unfocused = compose(question, hits, ANSWERED, LEAD)
    assert unfocused.lead[0].text == ABOUT_KALIX


def test_a_sentence_that_leans_on_the_one_before_is_shown_with_it() -> None:
    text = "Kalix breddade satsningen till medborgarna. Detta ses som avgörande för det fortsatta arbetet i skolan."
    hit = Hit(
        paragraph(text, 0.9, 1.0).passage,
        1.0,
        0.9,
        1.0,
        0.0,
        (text.split(". ")[1], text.split(". ")[0] + "."),
        (0.9, 0.8),
    )
    answer = compose(asked("Vad är avgörande?"), [hit], ANSWERED, LEAD)
    assert answer.lead[0].text == text


def test_a_quote_in_the_lead_marks_where_it_was_cut_at_its_ends_too() -> None:
    text = "Man måste börja med en analys. Hur fördelar vi våra resurser? Sedan kommer resten."
    quote = made("quote", text, 0.9, 1.0, role="Politiker", municipality="Haparanda")
    hit = replace(quote, sentences=("Hur fördelar vi våra resurser?",), sentence_scores=(0.9,))
    lead = compose(asked("Hur fördelar man resurserna?"), [hit], ANSWERED, LEAD).reply.lead
    assert lead == (LeadPart("… Hur fördelar vi våra resurser? …", 1, "quote", "Politiker, Haparanda"),)


def test_the_same_sentence_in_two_passages_leads_once() -> None:
    same = "Det är viktigt att involvera politikerna på ett tidigt stadium i arbetet."
    first = paragraph(same, 0.9, 1.0)
    hits = [first, replace(first, passage=replace(first.passage, id="p-summary"), score=0.9)]
    answer = compose(asked("Hur får man med politikerna?"), hits, ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [same]


QUOTE = "Vi har lärt oss att jämställdhet måste finnas med i budgeten från början."
TIP = "Säkerställ rutiner och stöd för uppföljning av jämställdhetsarbetet"
OTHER = "Pilotverksamheten i Haparanda arbetade med personalfrågor och rekrytering."
FIRST, LAST = "Vi började med att kartlägga hur det såg ut i skolan.", "Sedan tog vi fram en plan för hela kommunen."
LONG_QUOTE = f"{FIRST} {'Det var mycket att göra och alla var med på det. ' * 6}{LAST}"


def cast() -> list[Hit]:
    """A lead paragraph, a quote, a tip, another paragraph and a long quote without a known speaker."""
    long = made("quote", LONG_QUOTE, 0.2, 0.5)
    return [
        paragraph(ABOUT_KALIX, 0.9, 1.0),
        made("quote", QUOTE, 0.3, 0.8, role="Politiker", municipality="Kalix"),
        made("tip", TIP, 0.3, 0.7, category="Kunskap"),
        paragraph(OTHER, 0.3, 0.6),
        replace(long, sentences=(LAST, FIRST), sentence_scores=(0.2, 0.1)),
    ]


def test_the_reply_numbers_the_lead_then_the_quotes_tips_and_excerpts_and_lists_each_source_once() -> None:
    hits = cast()
    answer = compose(asked("Vad gjorde Kalix i skolan?"), hits, ANSWERED, LEAD)
    reply = answer.reply
    assert reply.lead == (LeadPart(ABOUT_KALIX, 1, "paragraph"),)
    assert reply.quotes == (Quote(QUOTE, "Politiker, Kalix", 2), Quote(f"{FIRST} … {LAST}", "okänd talare", 3))
    assert reply.tips == (Tip(TIP, "Kunskap", 4),) and not reply.tips_first
    assert reply.excerpts == (Excerpt(OTHER, 5),)
    assert [h.passage.id for h in answer.cited] == [hits[i].passage.id for i in (0, 1, 4, 2, 3)]
    section = "Röster från pilotverksamheterna"
    assert reply.sources[1] == Source(2, "rapport", section, 5, f"rapport, {section}, s. 5, Politiker, Kalix")
    assert [s.number for s in reply.sources] == [1, 2, 3, 4, 5]
    assert not reply.notices and reply.decline is None and not reply.nearby


def test_the_json_names_the_passages_behind_each_part_and_carries_the_markdown() -> None:
    hits = cast()
    answer = compose(asked("Vad gjorde Kalix i skolan?"), hits, ANSWERED, LEAD)
    data = answer.to_dict()
    assert data["answer"] == to_markdown(answer.reply)
    shown = data["reply"]
    assert [s["id"] for s in shown["lead"]] == [hits[0].passage.id]
    assert [q["id"] for q in shown["quotes"]] == [hits[1].passage.id, hits[4].passage.id]
    assert [t["id"] for t in shown["tips"]] == [hits[2].passage.id]
    assert [e["id"] for e in shown["excerpts"]] == [hits[3].passage.id]


def test_tips_asked_for_come_first_from_the_best_tips_and_none_repeats_the_lead() -> None:
    hits = cast()
    best = [
        made("tip", f"Tips nummer {n} om hur man följer upp arbetet", 0.1, 0.9, category="Engagemang") for n in "12"
    ]
    offered = Offered([h for h in hits if h.passage.kind == "quote"], best, tips_asked=True)
    answer = compose(
        Query("Vilka tips finns?", "Vilka tips finns?", asks_tips=True), hits, ANSWERED, LEAD, offered=offered
    )
    assert answer.reply.tips_first
    assert [t.text for t in answer.reply.tips] == [b.passage.text for b in best]
    assert [t.number for t in answer.reply.tips] == [2, 3]  # numbered in reading order: after the lead
    assert min(q.number for q in answer.reply.quotes) == 4


def test_a_mended_question_and_words_the_documents_never_use_are_noticed() -> None:
    decision = Decision(True, "answered", (), ("äldreomsorgen", "hemtjänsten"))
    answer = compose(Query("va gjorde kalix", "vad gjorde kalix"), cast(), decision, LEAD, scope="Dokumenten")
    assert answer.reply.notices == (
        "Sökte på: vad gjorde kalix",
        "Dokumenten använder inte orden ”äldreomsorgen” och ”hemtjänsten”; närmast kommer:",
    )
    assert answer.searched == "vad gjorde kalix"


def test_a_declined_question_shows_why_and_nearby_paragraphs_before_quotes() -> None:
    hits = cast()
    decision = Decision(False, "weak_match")
    answer = compose(Query("va gjorde kalix", "vad gjorde kalix"), hits, decision, LEAD)
    reply = answer.reply
    assert not answer.answered and reply.notices == ("Sökte på: vad gjorde kalix",)
    assert reply.decline == Decline(
        "Rapporten verkar inte svara på den frågan.", "Här är det som ligger närmast – läs det med det i åtanke."
    )
    assert reply.nearby == (Excerpt(ABOUT_KALIX, 1), Excerpt(TIP, 2))
    assert not (reply.lead or reply.quotes or reply.tips or reply.excerpts)
    assert [s.number for s in reply.sources] == [1, 2]
    assert [e["id"] for e in answer.to_dict()["reply"]["excerpts"]] == [hits[0].passage.id, hits[2].passage.id]


def test_no_hits_is_said_plainly_without_sources() -> None:
    answer = compose(asked("Vad gjorde Kalix?"), [], NOT_ANSWERED, LEAD)
    assert answer.reply.decline == Decline("", NO_HITS) and not answer.reply.sources and not answer.cited


def test_sentences_in_text_order_mark_only_the_text_left_out() -> None:
    a, b, c, d = "Kalix började i skolan.", "Sedan kom förskolan.", "Det tog tid.", "Alla var med."
    text = f"{a} {b} {c} {d}"
    assert _in_text_order(text, [b, a], ends=False) == f"{a} {b}"
    assert _in_text_order(text, [b, a], ends=True) == f"{a} {b} …"
    assert _in_text_order(text, [d, b], ends=False) == f"{b} … {d}"
    assert _in_text_order(text, [d, b], ends=True) == f"… {b} … {d}"
    assert _in_text_order(text, ["Inte härifrån."], ends=True) == text


def test_a_nearby_passage_is_not_cut_at_a_colon_and_a_label_keeps_its_value() -> None:
    asking = "Samtidigt menar de att varje förvaltning bör ställa sig frågan:"
    text = f"Arbetet började i skolan. {asking} Hur ser det ut hos oss? Det är en början."
    hit = replace(paragraph(text, 0.5, 0.5), sentences=(asking,), sentence_scores=(0.5,))
    reply = compose(asked("Hur blir vädret?"), [hit], NOT_ANSWERED, LEAD).reply
    assert reply.nearby == (Excerpt(f"… {asking} Hur ser det ut hos oss? …", 1),)  # the question it introduces
    row = "1.4 Eco-driving: Kommunledningsförv – Ansvarig: Teknisk chef; Tidsplan: 31 dec 2024."
    rows = f"{row} Nästa rad."
    assert [rows[a:b] for a, b in sentence_spans(rows)] == [row, "Nästa rad."]  # a label keeps its value
    assert [text[a:b] for a, b in sentence_spans(text)][1:3] == [asking, "Hur ser det ut hos oss?"]


def sentence(topic: str) -> str:
    """A sentence of about 180 characters on ``topic`` (three fill the lead past its 400 characters)."""
    return (
        f"Arbetet med {topic} i kommunen har pågått under flera år och har engagerat både förtroendevalda, "
        "chefer och medarbetare i förvaltningarna som har deltagit i utbildningar."
    )


def test_only_relevant_hits_are_shown_and_excerpts_are_capped() -> None:
    others = [
        paragraph(sentence(topic), 0.1, score) for topic, score in (("budget", 0.5), ("skola", 0.4), ("vård", 0.3))
    ]
    faint = made("quote", "Vi visste inte vad vi gav oss in på när vi började.", 0.1, 0.0001, "Politiker", "Kalix")
    reply = compose(
        asked("Vad gjorde Kalix?"), [paragraph(ABOUT_KALIX, 0.9, 1.0), *others, faint], ANSWERED, LEAD
    ).reply
    assert [e.text for e in reply.excerpts] == [others[0].passage.text, others[1].passage.text]  # max_excerpts: 2
    assert reply.quotes == ()  # below ReplySettings.relevant


def test_a_tip_in_the_lead_is_not_listed_again() -> None:
    tip = made("tip", "Se till att politikerna får utbildning i jämställdhet tidigt.", 0.9, 1.0, category="Kunskap")
    answer = compose(asked("Hur får man med politikerna?"), [tip, paragraph(ABOUT_KALIX, 0.1, 0.5)], ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [tip.passage.text]
    assert answer.reply.tips == ()


def test_tips_asked_for_show_more_of_them() -> None:
    tips = [made("tip", f"Tips nummer {n} om hur man följer upp arbetet.", 0.1, 0.9 - n / 10) for n in range(5)]
    hits = [paragraph(ABOUT_KALIX, 0.9, 1.0), *tips]
    assert len(compose(asked("Vad gjorde Kalix?"), hits, ANSWERED, LEAD).reply.tips) == 3
    asking = replace(asked("Vilka tips finns?"), asks_tips=True)
    assert len(compose(asking, hits, ANSWERED, LEAD).reply.tips) == 4


def test_the_quote_a_lead_sentence_discusses_comes_first() -> None:
    best = made("quote", QUOTE, 0.1, 0.9, "Politiker", "Kalix")
    discussed = made("quote", "Vi började med att räkna på hur pengarna fördelades.", 0.1, 0.5, "Chef", "Jokkmokk")
    commentary = paragraph("Citatet visar att fördelningen av pengar var en bra början för arbetet.", 0.9, 1.0)
    commentary = replace(commentary, passage=replace(commentary.passage, discusses=discussed.passage.id))
    reply = compose(asked("Hur började de?"), [commentary, best, discussed], ANSWERED, LEAD).reply
    assert [q.text for q in reply.quotes] == [discussed.passage.text, QUOTE]


def test_the_quote_a_lead_sentence_discusses_is_shown_when_no_quote_is_relevant() -> None:
    discussed = made("quote", "Vi började med att räkna på hur pengarna fördelades.", 0.1, 0.0001, "Chef", "Jokkmokk")
    commentary = paragraph("Citatet visar att fördelningen av pengar var en bra början för arbetet.", 0.9, 1.0)
    commentary = replace(commentary, passage=replace(commentary.passage, discusses=discussed.passage.id))
    offered = Offered([], [], discussed=[discussed])  # ranked below every quote offered, and not among the hits
    reply = compose(asked("Hur började de?"), [commentary], ANSWERED, LEAD, offered=offered).reply
    assert [q.text for q in reply.quotes] == [discussed.passage.text]


def test_a_lead_that_speaks_of_a_quote_has_it_next_even_when_tips_are_asked_for() -> None:
    """ "Citatet visar …" read above a list of tips points at a quote the reader has not seen yet."""
    discussed = made("quote", "Vi började med att räkna på hur pengarna fördelades.", 0.1, 0.5, "Chef", "Jokkmokk")
    commentary = paragraph("Citatet visar att fördelningen av pengar var en bra början för arbetet.", 0.9, 1.0)
    commentary = replace(commentary, passage=replace(commentary.passage, discusses=discussed.passage.id))
    tip = made("tip", "Utgå från kommunens egna förutsättningar och nuläge", 0.1, 0.8, category="Engagemang")
    offered = Offered([discussed], [tip], tips_asked=True)
    query = Query("Hur börjar man?", "Hur börjar man?", intent="advice")
    reply = compose(query, [commentary, discussed, tip], ANSWERED, LEAD, offered=offered).reply
    assert not reply.tips_first and [t.text for t in reply.tips] == [tip.passage.text]
    assert [q.number for q in reply.quotes] == [2] and [t.number for t in reply.tips] == [3]


def test_the_lead_stops_before_its_character_limit() -> None:
    hits = [
        paragraph(sentence(topic), cosine, 1.0) for topic, cosine in (("budget", 0.9), ("skola", 0.89), ("vård", 0.88))
    ]
    answer = compose(asked("Hur har arbetet gått?"), hits, ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [hits[0].passage.text, hits[1].passage.text]


def test_the_lead_opens_with_the_passage_of_its_best_sentence_whatever_the_hits_order() -> None:
    first, second = paragraph(ABOUT_KALIX, 0.85, 1.0), paragraph(ABOUT_JOKKMOKK, 0.9, 0.9)
    answer = compose(asked("Vad har man gjort i skolan?"), [first, second], ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [ABOUT_JOKKMOKK, ABOUT_KALIX]
    assert to_markdown(answer.reply).startswith(ABOUT_JOKKMOKK)  # its citation comes first


def test_a_bridged_question_says_what_it_also_searched_for() -> None:
    query = Query("Hur får vi med förtroendevalda?", "Hur får vi med förtroendevalda?")
    bridged = replace(query, bridges=(Bridge("förtroendevalda", ("politiker",)),))
    assert compose(bridged, cast(), ANSWERED, LEAD).reply.notices == ("Sökte också på: politiker",)
    assert compose(query, cast(), ANSWERED, LEAD).reply.notices == ()


def test_a_follow_up_names_only_the_bridges_of_its_own_words() -> None:
    """The topic's bridges ("förtroendevalda" → "politiker") travel with every later turn; the notice names them
    under the turn that typed the word, not again under "Varför då?"."""
    bridge = (Bridge("förtroendevalda", ("politiker",)),)
    follow_up = replace(asked("Varför då?"), bridges=bridge)
    assert compose(follow_up, cast(), ANSWERED, LEAD).reply.notices == ()


def test_a_lead_sentence_that_leans_on_the_one_before_brings_it() -> None:
    text = "Politikerna i Kalix intervjuades om sitt uppdrag. De menar att deras viktigaste bidrag är att avsätta tid."
    _, leaning = [text[a:b] for a, b in sentence_spans(text)]
    hit = replace(paragraph(text, 0.9, 1.0), sentences=(leaning,), sentence_scores=(0.9,))
    answer = compose(asked("Vad gör politikerna?"), [hit], ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [text]  # "De menar …" alone leaves the reader asking who


@pytest.mark.parametrize(
    "leaning",
    [
        "Det omfattar mer än bara en läpparnas bekännelse, menar de.",
        "De nya personer som ersätter dessa har sällan tid att snabbt sätta sig in i arbetet.",
        "I den aktuella kommunen har förståelsen breddats.",
        "Sammantaget har dessa faktorer gjort det lättare.",
        "I Jokkmokk har däremot själva förståelsen av könsskillnader ökat.",
    ],
)
def test_a_lead_sentence_that_points_back_brings_the_one_before(leaning: str) -> None:
    """Each led a reply alone in the new-user trial (2026-12-07), the sentence it points at left out."""
    text = f"Att cheferna helhjärtat är med i arbetet är avgörande, enligt de intervjuade. {leaning}"
    hit = replace(paragraph(text, 0.9, 1.0), sentences=(leaning,), sentence_scores=(0.9,))
    answer = compose(asked("Vad säger rapporten om chefers roll?"), [hit], ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [text]


def test_a_sentence_that_names_the_place_it_points_at_stands_alone() -> None:
    """ "I den aktuella kommunen, Övertorneå, …" says which; "Citatet illustrerar …" before it pushed the citation
    of 23 development replies past their first 400 characters (2026-12-07, sixth session)."""
    text = "Citatet illustrerar en av många lärdomar. I den aktuella kommunen, Övertorneå, har förståelsen breddats."
    _, named = [text[a:b] for a, b in sentence_spans(text)]
    hit = replace(paragraph(text, 0.9, 1.0), sentences=(named,), sentence_scores=(0.9,))
    assert [s.text for s in compose(asked("Vad gjorde Övertorneå?"), [hit], ANSWERED, LEAD).lead] == [named]


def test_the_leads_budget_counts_a_quotes_speaker_and_citation() -> None:
    """Two sentences of a quote within 400 characters as text, past them as shown: ”…” (speaker) [1]."""
    text = (
        "Vi har arbetat länge med frågan om jämställdhet i skolan och sett att det tar tid att ändra kulturen. "
        "Forskarna hjälpte oss att se mönster i hur vi fördelar tid, uppmärksamhet och resurser mellan flickor "
        "och pojkar i klassrummet, i matsalen och på rasterna under hela skoldagen. "
        "Det har varit värdefullt att kunna landa i att det inte är ett tyckande, utan att det finns forskning."
    )
    sentences = tuple(text[a:b] for a, b in sentence_spans(text))
    quote = made("quote", text, 0.9, 1.0, role="Verksamhetsföreträdare", municipality="Gällivare")
    hit = replace(quote, sentences=sentences, sentence_scores=(0.9,) * len(sentences))
    close = LinearModel(LEAD_FEATURES, np.zeros(len(LEAD_FEATURES), dtype=np.float32))
    answer = compose(asked("Varför behövs forskare?"), [hit], ANSWERED, close)
    assert 350 < len(text) <= 400 and len(answer.lead) < len(sentences)
    assert "[1]" in to_markdown(answer.reply)[:400]


def test_a_sentence_with_a_late_demonstrative_stands_alone() -> None:
    text = "Kalix startade arbetet 2019. Kommunen följde upp arbetet varje år och redovisade resultaten av detta."
    _, alone = [text[a:b] for a, b in sentence_spans(text)]
    hit = replace(paragraph(text, 0.9, 1.0), sentences=(alone,), sentence_scores=(0.9,))
    assert [s.text for s in compose(asked("Hur följde Kalix upp?"), [hit], ANSWERED, LEAD).lead] == [alone]


def test_the_lead_knows_where_a_sentence_stands_and_whether_it_holds_a_bridged_word() -> None:
    text = "Politikerna måste vara med. Det gör man genom att utbilda dem tidigt. Sedan följer man upp."
    claim, answer, last = sentence_texts = [text[a:b] for a, b in sentence_spans(text)]
    hit = replace(paragraph(text, 0.9, 1.0), sentences=(claim, answer, last), sentence_scores=(0.9, 0.8, 0.7))
    candidates = sentence_candidates([hit], depth=1, min_chars=10)
    assert [c.text for c in candidates] == sentence_texts
    assert [(c.first, c.position, c.after_best) for c in candidates] == [
        (True, 0.0, False),
        (False, 0.5, True),
        (False, 1.0, False),
    ]
    query = Query("Hur får vi med förtroendevalda?", "Hur får vi med förtroendevalda?")
    bridged = replace(query, bridges=(Bridge("förtroendevalda", ("politiker",)),))
    rows = lead_features(bridged, candidates, Focus())
    column = {name: rows[:, i].tolist() for i, name in enumerate(LEAD_FEATURES)}
    assert column["bridge_overlap"][0] > 0 and column["bridge_overlap"][1:] == [0.0, 0.0]
    assert column["how_means"] == [0.0, 1.0, 0.0]  # "hur …?" is answered by "genom att …"
    assert column["cos_rank"] == pytest.approx([1.0, 0.5, 1 / 3])


def test_a_vilka_question_knows_a_sentence_that_lists() -> None:
    texts = (
        "Intervjuerna har utförts och sammanställts under våren 2021.",
        "De som intervjuats är politiker, höga tjänstepersoner samt chefer.",
    )
    candidates = sentence_candidates([paragraph(text, 0.5, 1.0) for text in texts], depth=2, min_chars=10)
    column = LEAD_FEATURES.index("which_list")
    assert lead_features(asked("Vilka intervjuades?"), candidates, Focus())[:, column].tolist() == [0.0, 1.0]
    assert lead_features(asked("Hur intervjuades de?"), candidates, Focus())[:, column].tolist() == [0.0, 0.0]


def test_a_follow_up_knows_which_sentence_the_previous_reply_led_with() -> None:
    texts = ("Kalix började i skolan med utvecklingssamtalen.", "Sedan följde förskolan efter ett år.")
    candidates = sentence_candidates([paragraph(text, 0.5, 1.0) for text in texts], depth=2, min_chars=10)
    column = LEAD_FEATURES.index("led_before")
    follow_up = replace(asked("Varför då?"), led=(texts[0],))
    assert lead_features(follow_up, candidates, Focus())[:, column].tolist() == [1.0, 0.0]
    assert lead_features(asked("Varför då?"), candidates, Focus())[:, column].tolist() == [0.0, 0.0]


def test_quotes_come_only_from_a_document_the_lead_answers_from() -> None:
    hits = cast()
    app = replace(hits[0], passage=replace(hits[0].passage, document="foreningsappen"))
    answer = compose(asked("Vem är målgruppen för appen?"), [app, *hits[1:]], ANSWERED, LEAD)
    assert [s.text for s in answer.lead] == [ABOUT_KALIX] and not answer.reply.quotes
    assert compose(asked("Vem är målgruppen för appen?"), hits, ANSWERED, LEAD).reply.quotes
