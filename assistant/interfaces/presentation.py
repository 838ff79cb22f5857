"""What the chat shows, as text: replies, sources with highlights, filter lines, index status, the transcript.

Pure functions (no Gradio), so every rule of the page can be tested without a browser.
"""

from __future__ import annotations

import html
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from assistant.documents.corpus import DocumentSummary
from assistant.documents.passages import KIND_LABELS
from assistant.engine import BUNDLED_REPORT
from assistant.reply.answer import Answer
from assistant.reply.render import escape, to_markdown
from assistant.search.build import BuildReport
from assistant.search.index import Manifest
from assistant.search.lexical import WORD, tokenize
from assistant.search.retrieve import Filters, Hit

MARKED_SENTENCES = 2
"""Only the best-matching sentences are marked strongly (hits carry all their sentences, best first)."""
LOCAL_TIME = ZoneInfo("Europe/Stockholm")
"""The report and its readers are Swedish: times are shown in Swedish local time, whatever the server's zone."""
MONTHS = ("jan", "feb", "mars", "april", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec")
TOPICLESS_WORDS = (
    "kommer komma kom finns fanns gör göra gjorde gjort får få fick går gå gick säger säga sa sade "
    "ska skulle vill ville tycker tycka tänker menar handlar vad hur vilka vilken varför man bra"
)
"""Words that carry no topic of their own in a question ("Hur kommer man igång?"): not marked in the sources."""


def passages_text(count: int) -> str:
    """The count with "stycke" or "stycken" ("1 stycke", "2 stycken")."""
    return f"{count} stycke" if count == 1 else f"{count} stycken"


def sentences_text(count: int) -> str:
    """The count with "mening" or "meningar"."""
    return f"{count} mening" if count == 1 else f"{count} meningar"


@lru_cache(maxsize=1)
def _common_forms() -> frozenset[str]:
    return frozenset(tokenize(TOPICLESS_WORDS))


def content_forms(query: str) -> set[str]:
    """The query's content words in the lexical normal form (stopwords and common question verbs left out)."""
    return set(tokenize(query)) - _common_forms()


def _marked_words(text: str, wanted: set[str]) -> str:
    out, last = [], 0
    for match in WORD.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        word = match.group(0)
        tokens = tokenize(word)
        escaped = html.escape(word)
        out.append(f'<mark class="word">{escaped}</mark>' if tokens and tokens[0] in wanted else escaped)
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _sentence_spans(text: str, sentences: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the matched sentences stand in the text, in order, without overlaps."""
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        start = text.find(sentence) if sentence else -1
        if start >= 0 and all(start >= end or start + len(sentence) <= begin for begin, end in spans):
            spans.append((start, start + len(sentence)))
    return sorted(spans)


def marked_text(text: str, query: str, sentences: tuple[str, ...] = ()) -> str:
    """HTML-escaped text: the matched sentences marked strongly, the query's content words lightly."""
    wanted = content_forms(query)
    out, last = [], 0
    for start, end in _sentence_spans(text, sentences):
        out.append(_marked_words(text[last:start], wanted))
        out.append(f'<mark class="sentence">{_marked_words(text[start:end], wanted)}</mark>')
        last = end
    out.append(_marked_words(text[last:], wanted))
    return "".join(out)


def source_head(number: int, hit: Hit) -> str:
    """ "[2] rapport, Avsnitt, s. 3, Politiker, Kalix (citat)": the kind once, not when the citation names it."""
    passage = hit.passage
    label = KIND_LABELS.get(passage.kind, passage.kind)
    kind = "" if f"{label}:" in passage.citation else f' <span class="kind">({label})</span>'
    return f"[{number}] {html.escape(passage.citation)}{kind}"


def sources_html(answer: Answer | None, query: str) -> str:
    """Every cited passage whole, with section, page and speaker; matched sentences and words marked."""
    if answer is None or not answer.cited:
        return '<p class="no-sources">Inga källor ännu. Ställ en fråga så visas de citerade styckena här.</p>'
    led: dict[str, tuple[str, ...]] = {}
    for sentence in answer.lead:
        led[sentence.passage.id] = (*led.get(sentence.passage.id, ()), sentence.text)
    blocks = [
        f'<div class="source" id="kalla-{number}">'
        f'<div class="source-head">{source_head(number, hit)}</div>'
        f'<p class="source-text">{marked_text(hit.passage.text, query, _marked(hit, led))}</p></div>'
        for number, hit in enumerate(answer.cited, start=1)
    ]
    return "\n".join(blocks)


def _marked(hit: Hit, led: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The sentences to mark strongly: those the lead shows from this passage, else its best-matching ones."""
    return led.get(hit.passage.id) or hit.sentences[:MARKED_SENTENCES]


def source_link(number: int) -> str:
    """[n] as a link that jumps to source n in the sources panel."""
    return f"[[{number}]](#kalla-{number})"


def chat_message(answer: Answer, filters: str = "", reading: str = "") -> str:
    """The reply as the chat shows it (Markdown): how the question was read and the filter line in italics,
    then the reply, [n] linked."""
    reply = to_markdown(answer.reply, cite=source_link)
    notes = [f"*{escape(line)}*" for line in (reading, filters) if line]
    return "\n\n".join([*notes, reply])


def reading_line(follows: str, in_conversation: bool) -> str:
    """How a question was read, shown above its reply: "Följdfråga till: …" or, mid-conversation, "Ny fråga"."""
    if follows:
        return f"Följdfråga till: ”{follows}”"
    return "Ny fråga" if in_conversation else ""


@dataclass(frozen=True)
class AppliedFilter:
    """One filter a reply ran under, and whether the assistant read it (from the question or the conversation)."""

    name: str
    value: str
    inferred: bool
    from_conversation: bool = False

    @property
    def label(self) -> str:
        labels: dict[str, str] = {kind: label for kind, label in KIND_LABELS.items()}
        value = labels.get(self.value, self.value) if self.name == "kind" else self.value
        source = "ditt val" if not self.inferred else "ur samtalet" if self.from_conversation else "ur frågan"
        return f"{value} ({source})"


def applied_filters(
    filters: Filters, inferred: Filters, question: str = "", follows: bool = False
) -> list[AppliedFilter]:
    """The filters a reply ran under, in a fixed order, each marked as chosen or read; a place a follow-up does not
    name itself ("Vad sa rektorerna där?" after a reply about Jokkmokk) was read from the conversation."""
    names = [f.name for f in fields(Filters)]
    named = set(tokenize(question))
    return [
        AppliedFilter(
            name,
            value,
            value == read,
            value == read and follows and name == "municipality" and not set(tokenize(value)) <= named,
        )
        for name, value, read in zip(names, astuple(filters), astuple(inferred), strict=True)
        if value
    ]


def filter_line(applied: list[AppliedFilter]) -> str:
    """ "Filtrerat på: Jokkmokk (ur frågan), Politiker (ditt val)", or "" when nothing filtered."""
    return f"Filtrerat på: {', '.join(f.label for f in applied)}" if applied else ""


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "nyss"
    if minutes < 60:
        return f"för {minutes} {'minut' if minutes == 1 else 'minuter'} sedan"
    hours = minutes // 60
    if hours < 24:
        return f"för {hours} {'timme' if hours == 1 else 'timmar'} sedan"
    days = hours // 24
    return f"för {days} {'dag' if days == 1 else 'dagar'} sedan"


def built_text(built_at: str, now: datetime) -> str:
    """ "byggt i dag 10:41 (för 5 minuter sedan)" from the manifest's UTC stamp, in Swedish local time."""
    built = datetime.fromisoformat(built_at).astimezone(LOCAL_TIME)
    today = now.astimezone(LOCAL_TIME).date()
    if built.date() == today:
        day = "i dag"
    elif built.date() == today - timedelta(days=1):
        day = "i går"
    else:
        day = f"{built.day} {MONTHS[built.month - 1]}" + (f" {built.year}" if built.year != today.year else "")
    return f"byggt {day} {built:%H:%M} ({_age(max(0.0, (now - built).total_seconds()))})"


SEARCHABLE_NOW = "Sökbart nu."


def index_status(manifest: Manifest, now: datetime) -> str:
    """One line about the index that serves: size, documents, build time and age (and sentences pending)."""
    documents = len(manifest.corpus.documents)
    line = f"{passages_text(manifest.passages)} ur {documents} dokument, {built_text(manifest.built_at, now)}."
    return f"{line} {pending_text(manifest.pending_sentences)}" if manifest.pending_sentences else line


SENTENCES_DONE = "Klart: de nya dokumentens meningar är inlästa, och sökningen i dem är nu som träffsäkrast."


def settled(message: str, pending: int) -> str | None:
    """An upload's status once the index serving has no sentences pending: its "Sökbart nu. Om en stund …"
    becomes :data:`SENTENCES_DONE` (the trial saw it stay four minutes after the sentences were in); None while
    there is nothing to change."""
    lines = message.split("\n\n")
    kept = [line for line in lines if not line.startswith(SEARCHABLE_NOW)]
    return None if pending or len(kept) == len(lines) else "\n\n".join([*kept, SENTENCES_DONE])


def searchable_text(sentences: int) -> str:
    """An upload's status while its ``sentences`` are embedded in the background."""
    return f"{SEARCHABLE_NOW} {pending_text(sentences)}"


def pending_text(sentences: int) -> str:
    """What a user may expect while an upload's sentences are embedded in the background (in plain words: a
    reader does not know vectors; the counts are in the log and ``assistant index info``)."""
    return (
        f"Om en stund blir sökningen i de nya dokumenten ännu träffsäkrare: deras {sentences_text(sentences)} "
        "läses in i bakgrunden."
    )


@dataclass(frozen=True)
class Turn:
    """One question and its reply, as Markdown with plain [n] citations, for copying and downloading."""

    question: str
    markdown: str
    filters: str = ""


def documents_described(documents: list[DocumentSummary]) -> str:
    """What the chat answers from, as the page's title line and the saved conversation name it: "Rapporten *På väg
    mot …* (Norrbottens Kommuner)", "Dokumentet *…*" or "Dokumenten *…*, *…* och *…*"."""
    titles = [f"*{escape(d.title)}*" for d in documents]
    if [d.document for d in documents] == [BUNDLED_REPORT]:
        return f"Rapporten {titles[0]} (Norrbottens Kommuner)"
    if len(titles) == 1:
        return f"Dokumentet {titles[0]}"
    shown = titles if len(titles) <= 5 else [*titles[:4], f"{len(titles) - 4} till"]
    return f"Dokumenten {', '.join(shown[:-1])} och {shown[-1]}"


def transcript(turns: list[Turn], now: datetime, documents: list[DocumentSummary]) -> str:
    """The whole conversation as one Markdown document, every reply with its numbered sources."""
    stamp = now.astimezone(LOCAL_TIME)
    parts = [
        "# Samtal med Rapportassistenten",
        f"{documents_described(documents)}. Sparat {stamp.day} {MONTHS[stamp.month - 1]} {stamp.year} {stamp:%H:%M}.",
    ]
    for number, turn in enumerate(turns, start=1):
        parts.append(f"## {number}. {turn.question}")
        if turn.filters:
            parts.append(f"*{turn.filters}*")
        parts.append(turn.markdown)
    return "\n\n".join(parts) + "\n"


def working(step: str) -> str:
    """The status line while a change or rebuild runs: the step in words, over a moving bar that claims no
    percentage (the build reports no fraction of its work)."""
    return f'<div class="working" role="status">{html.escape(step)} …</div>'


def build_figures(report: BuildReport) -> str:
    """ "65 stycken på 2,1 s (3 nya vektorer, 272 ur cachen, för stycken och meningar)" — the CLI."""
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    vectors = f"{report.embedded} nya vektorer, {report.reused} ur cachen, för stycken och meningar"
    return f"{passages_text(report.passages)} på {seconds} s ({vectors})"


def build_summary(report: BuildReport) -> str:
    """ "Klart: indexet byggdes om, 65 stycken ur 1 dokument på 2,1 s." — one line for every rebuild the page
    starts, in a reader's words (the vector counts of :func:`build_figures` are for the CLI and the log)."""
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    skipped = f" Hoppade över: {', '.join(report.skipped)}." if report.skipped else ""
    figures = f"{passages_text(report.passages)} ur {len(report.documents)} dokument på {seconds} s"
    return f"Klart: indexet byggdes om, {figures}.{skipped}"
