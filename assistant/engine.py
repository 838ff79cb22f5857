"""The running assistant: model, index and retriever, shared by the CLI and the chat.

A question reads the loaded index (``self._loaded``: retriever, speller,
titles, coverage) once; a rebuild builds a new index on disk, loads it, and
swaps that reference, so a question never sees a half-built index or parts of
two, and the next one uses the new index.  After an upload the index is
switched as soon as the new passages are embedded; their sentences are
embedded by a background thread, which switches once more when done.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, astuple, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.documents.corpus import DocumentSummary, ParsedDocuments
from assistant.documents.layout import clean_characters
from assistant.errors import BusyError, IndexUnavailable, InputError
from assistant.reply.answer import Answer, ReplySettings, compose
from assistant.reply.answerability import DECISION_FEATURES, decide, neighbour_score, wording_score
from assistant.reply.choice import CHOICE_FEATURES, Choosers, Offered
from assistant.reply.lead import LEAD_FEATURES, Focus
from assistant.search.bridges import Bridges
from assistant.search.build import BuildReport, build_index, complete_sentences, ensure_index
from assistant.search.conversation import Conversation
from assistant.search.corpus_changes import (
    CorpusChange,
    Progress,
    add_documents,
    recover,
    remove_documents,
    restore_document,
)
from assistant.search.coverage import Coverage, union
from assistant.search.embeddings import Embedder, Say
from assistant.search.encoder import load_in_background
from assistant.search.features import PASSAGE_FEATURES
from assistant.search.follow_up import FOLLOW_UP_FEATURES, FOLLOW_UP_THRESHOLD, follow_up_features
from assistant.search.index import Index, current_build, load_index
from assistant.search.learned import Learned, LinearModel, load_learned
from assistant.search.query import Query, Speller
from assistant.search.retrieve import Filters, Hit, Retriever, SearchSettings
from assistant.search.understanding import Reader, Reading

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MAX_TOP_K = 50
DEFAULT_TOP_K = 8
"""Passages listed by default (the sources panel and ``ask --json``'s results); the reply reads ``DECIDING_HITS``."""
DECIDING_HITS = 10
"""Hits the decision and the reply read, whatever ``top_k`` lists: the models were fitted on ten."""
BUNDLED_REPORT = "rapport"
"""The document name of the report the product ships with: its declines say "Rapporten"."""


@dataclass(frozen=True)
class Reply:
    """An answer, the query that was actually searched (for follow-ups) and the filters it ran under.

    ``filters`` are all filters applied; ``inferred`` holds only those the
    assistant read from the question itself (a follow-up's "Och i Jokkmokk?"),
    so an interface can show them and let the user clear them.  ``conversation`` is the state to pass
    with the next question; ``follows`` the previous question, when this one was read as its follow-up
    (the chat shows "Följdfråga till: …"; the topic may have opened earlier), and ``topic`` the topic
    text searched in front of it (both "" for a new question), with the ``follow_up_probability``.
    """

    answer: Answer
    query: str
    filters: Filters = Filters()
    inferred: Filters = Filters()
    understood: Query | None = None
    conversation: Conversation = field(default_factory=Conversation)
    follows: str = ""
    topic: str = ""
    follow_up_probability: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``assistant ask --json`` and the ``/ask`` API: the answer, and how it was searched.

        ``conversation`` is what to pass back with the next question (``query``, the older way, still works
        as ``previous_query``); ``topic`` is the topic the question was searched with ("" when it was read
        as a new question); ``filters`` are all that applied, ``implied_filters`` those the conversation
        implied ("Och i Kalix?").
        """
        understood = self.understood
        return self.answer.to_dict() | {
            "query": self.query,
            "follow_up": bool(understood and understood.follow_up),
            "follow_up_probability": round(self.follow_up_probability, 3),
            "follows": self.follows,
            "topic": self.topic,
            "filters": _filter_dict(self.filters),
            "implied_filters": _filter_dict(self.inferred),
            "conversation": self.conversation.to_dict(),
        }


def _filter_dict(filters: Filters) -> dict[str, str]:
    return {name: value for name, value in asdict(filters).items() if value}


def clean_question(text: str) -> str:
    """Printable, single-spaced question text; InputError when unusable."""
    if not isinstance(text, str):
        raise InputError("Frågan måste vara text.")
    if len(text) > 20 * MAX_QUESTION_CHARS:
        raise InputError(f"Frågan är för lång ({len(text)} tecken); skriv högst {MAX_QUESTION_CHARS} tecken.")
    question = re.sub(r"\s+", " ", clean_characters(text).replace("\f", " ")).strip()
    if not question:
        raise InputError("Skriv en fråga, till exempel ”Hur får man med politikerna?”.")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"Frågan är för lång ({len(question)} tecken); skriv högst {MAX_QUESTION_CHARS} tecken.")
    return question


def learned_values() -> Learned:
    """The shipped learned weights, checked against the features the code computes."""
    return load_learned(PASSAGE_FEATURES, LEAD_FEATURES, DECISION_FEATURES, FOLLOW_UP_FEATURES, CHOICE_FEATURES)


def neutral_values() -> Learned:
    """Zero weights for the features the code computes (``assistant tune`` fits from these)."""
    return Learned.neutral(PASSAGE_FEATURES, LEAD_FEATURES, DECISION_FEATURES, FOLLOW_UP_FEATURES, CHOICE_FEATURES)


@dataclass(frozen=True)
class Settings:
    """Every value a measurement can rerun changed (``assistant eval --set name=value``), by stage."""

    search: SearchSettings = field(default_factory=SearchSettings)
    reply: ReplySettings = field(default_factory=ReplySettings)


@dataclass(frozen=True)
class _Loaded:
    """One loaded index with everything derived from it, swapped as a whole on rebuild."""

    retriever: Retriever
    reader: Reader
    quoted: tuple[str, ...]  # municipalities the documents quote, in order of appearance
    quoted_by_document: dict[str, tuple[str, ...]]
    titles: dict[str, str]
    covered: Coverage  # every document's coverage together

    @classmethod
    def of(cls, index: Index, embedder: Embedder, learned: Learned, settings: SearchSettings) -> _Loaded:
        passages = index.passages
        adapter = learned.adapter_for(embedder.info.fingerprint)
        if learned.adapter_model and adapter is None:
            log.warning(
                "The learned weights were fitted with another model; run `assistant tune --model …` for this one"
            )
        retriever = Retriever(index, embedder, learned.ranker, adapter, settings)
        by_document: dict[str, dict[str, None]] = {}
        for document, town in passages.firsts("municipality", by="document"):
            by_document.setdefault(document, {})[town] = None
        titles = {s.document: s.title for s in index.manifest.corpus.summaries}
        covered = union(index.coverage.values())
        bridges = Bridges(index.bridges, covered.forms, embedder.encode_queries)
        return cls(
            retriever,
            Reader.of(Speller(index.words), retriever.municipality_names, bridges),
            tuple(town for town in passages.values("municipality") if town),
            {document: tuple(towns) for document, towns in by_document.items()},
            titles,
            covered,
        )

    def quoted_in(self, document: str | None) -> tuple[str, ...]:
        """The municipalities the documents searched quote, in order of appearance."""
        return self.quoted if document is None else self.quoted_by_document.get(document, ())

    def coverage(self, document: str | None) -> Coverage:
        """What the documents searched cover: one document under a filter, else all."""
        return self.retriever.index.coverage.get(document, Coverage()) if document else self.covered

    def scope(self, document: str | None) -> str:
        """How a decline names what was searched: "Rapporten", "Dokumentet ”…”" or "Dokumenten"."""
        names = [document] if document else sorted(self.retriever.index.coverage)
        if names == [BUNDLED_REPORT]:
            return "Rapporten"
        if len(names) == 1:
            return f"Dokumentet ”{self.titles.get(names[0], names[0])}”"
        return "Dokumenten"


def _focus(loaded: _Loaded, query: Query, filters: Filters) -> Focus:
    town = loaded.retriever.normalise(Filters(municipality=filters.municipality or query.municipality))
    return Focus(town.municipality, loaded.quoted)


class Engine:
    """Loads (or builds) the index once and answers questions from it."""

    def __init__(
        self,
        corpus_dir: Path,
        index_dir: Path,
        embedder: Embedder,
        progress: bool = False,
        say: Say | None = None,
        settings: Settings = Settings(),
        learned: Learned | None = None,
    ) -> None:
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self.embedder = embedder
        self.say = say
        self.settings = settings
        self.learned = learned or learned_values()
        self.parsed = ParsedDocuments()
        """The corpus documents as last read, so an upload's build reads only the new document."""
        recovered = recover(corpus_dir, index_dir)
        if recovered:
            log.warning("A change to the corpus was interrupted; %s", recovered)
        index, self.build_reason = ensure_index(
            index_dir, corpus_dir, self.embedder, progress=progress, say=say, known=self.parsed
        )
        if self.build_reason:
            log.info("Index built because: %s", self.build_reason)
        self._loaded = _Loaded.of(index, embedder, self.learned, settings.search)
        self._rebuilding = threading.Lock()
        self._refused: Path | None = None
        self._completion: threading.Thread | None = None

    @property
    def retriever(self) -> Retriever:
        return self._loaded.retriever

    def documents(self) -> list[DocumentSummary]:
        """The loaded index's documents (title, format, pages, passages by kind), from its manifest: none is read."""
        return self.retriever.index.manifest.corpus.summaries

    def focus(self, query: Query, filters: Filters) -> Focus:
        """The municipality a reply leans towards (the filter's, else the question's), with the quoted ones."""
        return _focus(self._loaded, query, filters)

    def ask(
        self,
        question: str,
        top_k: int = DEFAULT_TOP_K,
        filters: Filters = Filters(),
        previous_query: str | None = None,
        conversation: Conversation | None = None,
    ) -> Reply:
        """Answer one question in ``conversation`` (the previous reply's ``conversation``; or, as older clients
        do, a follow-up of ``previous_query``, the previous reply's ``query``)."""
        question = clean_question(question)
        if not 1 <= top_k <= MAX_TOP_K:
            raise InputError(f"Antal träffar måste vara mellan 1 och {MAX_TOP_K}.")
        loaded = self._loaded
        retriever = loaded.retriever
        given = filters
        talk = conversation or (loaded.reader.opened_by(previous_query) if previous_query else Conversation())
        reading = loaded.reader.read(question, talk)
        probability = _follow_up_probability(loaded, self.learned, reading)
        follows = probability >= FOLLOW_UP_THRESHOLD
        query = reading.query(follows)
        filters = implied_filters(query, filters)
        ranking = retriever.rank_conversation(reading.alone, reading.together, probability, filters)
        if len(ranking.score) == 0 and filters != given:
            filters = given  # what the conversation implied leaves nothing: it stays a soft focus only
            ranking = retriever.rank_conversation(reading.alone, reading.together, probability, filters)
        hits = ranking.top(max(top_k, DECIDING_HITS))
        offered = Offered.of(ranking, query, hits)
        if not hits and filters != Filters():
            raise InputError(_excluded_by_filters(retriever.normalise(filters)))
        document = retriever.normalise(filters).document
        learned = self.learned
        quoted = loaded.quoted_in(document)
        coverage, (model, threshold) = loaded.coverage(document), _decision_model(learned, hits)
        wording, neighbours = _wording(loaded, learned, query, hits)
        decision = decide(query, hits, coverage, quoted, model, threshold, wording, neighbours)
        focus = _focus(loaded, query, filters)
        choosers = Choosers(learned.quote, learned.tip)
        scope = loaded.scope(document)
        answer = compose(query, hits, decision, learned.lead, focus, self.settings.reply, scope, offered, choosers)
        answer = replace(answer, hits=answer.hits[:top_k])
        inferred = Filters(
            *(None if old == new else new for old, new in zip(astuple(given), astuple(filters), strict=True))
        )
        # a new question declined opens no thread; the one before it goes on ("Och i Jokkmokk?")
        after = (
            talk.after(
                reading.topic_after(follows, loaded.reader.municipalities, given.document),
                follows,
                question,
                tuple(hit.passage.id for hit in answer.cited),
                tuple(sentence.text for sentence in answer.lead),
                _led_place(answer, loaded.reader.municipalities),
            )
            if answer.answered or follows
            else talk
        )
        previous, topic = (talk.previous, reading.topic_text) if follows and reading.topic else ("", "")
        return Reply(answer, query.search_text, filters, inferred, query, after, previous, topic, probability)

    def understand(self, question: str, filters: Filters = Filters()) -> tuple[Query, Filters]:
        """A question understood on its own, and its filters."""
        return self._loaded.reader.understand(question), filters

    def read(self, question: str, conversation: Conversation) -> Reading:
        """A question read alone and in ``conversation`` (see :class:`Reading`)."""
        return self._loaded.reader.read(question, conversation)

    def wording(self, query: Query, hits: list[Hit]) -> tuple[float, float]:
        """How much the question's own words read like the questions the report answers: the answered decision's
        ``wording`` and ``wording_neighbours`` features for ``query`` ranked as ``hits`` (0 when the learned values
        hold none for this model, or when another document than the report answers best)."""
        return _wording(self._loaded, self.learned, query, hits)

    def follow_up_row(self, reading: Reading) -> np.ndarray:
        """The follow-up model's features of a question read in a conversation with a topic."""
        return _follow_up_row(self._loaded, reading)

    def use(self, learned: Learned | None = None, settings: Settings | None = None) -> None:
        """Answer with other learned values or settings from now on (``tune`` while it fits, ``eval --set``)."""
        self.learned = learned or self.learned
        self.settings = settings or self.settings
        self._loaded = _Loaded.of(self.retriever.index, self.embedder, self.learned, self.settings.search)

    def rebuild(self, progress: bool = False, sentences_later: bool = False, say: Say | None = None) -> BuildReport:
        """Rebuild the index from the corpus and switch to it; BusyError if one is running.

        With ``sentences_later`` the switch comes once the passages are embedded, and the sentences not yet
        embedded are completed in the background (:meth:`complete_sentences_in_background`).  ``say`` hears
        the build's steps (else the engine's ``say``).
        """
        if not self._rebuilding.acquire(blocking=False):
            raise BusyError("En omindexering pågår redan; vänta tills den är klar.")
        try:
            self.wait_for_sentences()
            report = build_index(
                self.corpus_dir,
                self.index_dir,
                self.embedder,
                progress=progress,
                say=say or self.say,
                known=self.parsed,
                sentences_later=sentences_later,
            )
            self._loaded = _Loaded.of(load_index(self.index_dir), self.embedder, self.learned, self.settings.search)
            self.complete_sentences_in_background()
            return report
        finally:
            self._rebuilding.release()

    @property
    def pending_sentences(self) -> int:
        """Sentences of the loaded index still ranked by their passage's vector (0 when it is complete)."""
        return self.retriever.index.manifest.pending_sentences

    @property
    def completing(self) -> bool:
        """True while the background thread embeds the sentences of the documents last added."""
        return self._completion is not None and self._completion.is_alive()

    def complete_sentences_in_background(self) -> None:
        """Embed the loaded index's pending sentences in a thread, then switch to the completed index.

        Until then questions are answered from the index as it is; a failure is logged and changes nothing.
        """
        if self.pending_sentences and not self.completing:
            self._completion = threading.Thread(target=self._complete, name="complete-sentences", daemon=True)
            self._completion.start()

    def wait_for_sentences(self) -> None:
        """Wait for a background completion to finish (a rebuild waits, so the two never race)."""
        if self._completion is not None:
            self._completion.join()

    def _complete(self) -> None:
        try:
            report = complete_sentences(self.index_dir, self.embedder)
            if report is not None:
                log.info("Sentence vectors completed in %.1f s: %s", report.seconds, report.path)
                self._load_completed(report.path)
        except Exception:
            log.exception("Completing the sentence vectors failed; the index keeps serving with passage vectors")

    def _load_completed(self, build: Path) -> None:
        """Switch to the completed build, unless a rebuild or a reload holds the lock: a rebuild makes a newer
        build (and waits for this thread), a reload loads the current one.  Loads are never concurrent, as
        numpy reads ``.npy`` headers with ``ast``, which CPython 3.11 cannot run in two threads at once."""
        if not self._rebuilding.acquire(blocking=False):
            return
        try:
            if current_build(self.index_dir) == build.resolve():
                index = load_index(self.index_dir)
                self._loaded = _Loaded.of(index, self.embedder, self.learned, self.settings.search)
        finally:
            self._rebuilding.release()

    def add_documents(self, files: Sequence[Path], progress: Progress | None = None) -> CorpusChange:
        """Add files to the corpus and switch to an index that holds them (see :func:`add_documents`).

        ``progress`` hears the user's steps (each file read, then the indexing); the build's own steps, with
        paths and vector counts, go to the engine's ``say`` (the log), not to the user.
        """
        load_in_background(self.embedder)  # while the files are read
        return add_documents(self.corpus_dir, files, lambda: self.rebuild(sentences_later=True), progress, self.parsed)

    def remove_document(self, name: str) -> CorpusChange:
        """Move a document to the trash and switch to an index without it (see :func:`remove_documents`)."""
        titles = {summary.name: summary.title for summary in self.documents()}
        return remove_documents(self.corpus_dir, name, self.rebuild, titles)

    def restore_document(self, name: str) -> CorpusChange:
        """Bring a document back from the trash and switch to an index with it (see :func:`restore_document`):
        as soon as its passages are searchable, like an added one (its vectors are usually still cached)."""
        return restore_document(self.corpus_dir, name, lambda: self.rebuild(sentences_later=True))

    @property
    def rebuilding(self) -> bool:
        """True while a rebuild (or a reload) in this process is running."""
        return self._rebuilding.locked()

    def reload_if_changed(self) -> bool:
        """Switch to the current build on disk when another process (``assistant index rebuild``) made a new one.

        Cheap when nothing changed (one symlink lookup), so a chat can call it often. Thread-safe: it
        shares the rebuild lock and does nothing while a rebuild runs. A build made with another model,
        or one that cannot be read, is logged and left alone; the loaded index keeps serving.
        """
        build = current_build(self.index_dir)
        if build is None or build in (self.retriever.index.path, self._refused):
            return False
        if not self._rebuilding.acquire(blocking=False):
            return False
        try:
            if current_build(self.index_dir) == self.retriever.index.path:
                return False
            index = load_index(self.index_dir)
            if index.manifest.model.fingerprint != self.embedder.info.fingerprint:
                log.warning("Not loading %s: it was built with another model", index.path)
                self._refused = index.path
                return False
            self._loaded = _Loaded.of(index, self.embedder, self.learned, self.settings.search)
            log.info("Loaded the index rebuilt outside this process: %s", index.path)
            return True
        except IndexUnavailable as error:
            log.warning("Not loading the new index: %s", error)
            self._refused = build
            return False
        finally:
            self._rebuilding.release()


def implied_filters(query: Query, filters: Filters) -> Filters:
    """``filters`` with the municipality a follow-up implies ("Och i Kalix?") added."""
    return replace(filters, municipality=filters.municipality or query.implied_municipality)


def _follow_up_probability(loaded: _Loaded, learned: Learned, reading: Reading) -> float:
    """How likely the question follows its conversation's thread (0 without a conversation before it)."""
    if reading.together is None:
        return 0.0
    return float(learned.follow_up.probability(_follow_up_row(loaded, reading)[None, :])[0])


def _wording(loaded: _Loaded, learned: Learned, query: Query, hits: list[Hit]) -> tuple[float, float]:
    """The answered decision's ``wording`` and ``wording_neighbours`` features for ``query`` ranked as ``hits``,
    from one loaded index (its retriever has the question's vector already) and one set of learned values."""
    retriever = loaded.retriever
    fingerprint = retriever.embedder.info.fingerprint
    wording, examples = learned.wording_for(fingerprint), learned.wording_examples_for(fingerprint)
    if (wording is None and examples is None) or not _about_the_report(hits):
        return 0.0, 0.0
    vector = retriever.question_vector(query.text)[0]
    return wording_score(vector, wording), neighbour_score(vector, examples)


def _led_place(answer: Answer, municipalities: list[str]) -> str | None:
    """The municipality the reply's first lead sentence speaks of: its speaker's, else the first it names."""
    if not answer.lead:
        return None
    first = answer.lead[0]
    named = [(first.text.find(town), town) for town in municipalities if town in first.text]
    return first.passage.municipality or min(named, default=(0, None))[1]


def _decision_model(learned: Learned, hits: list[Hit]) -> tuple[LinearModel, float]:
    """The answered decision's model and threshold for a question ranked as ``hits``: without the report's priors
    (``REPORT_PRIORS``) when another document answers best.  With the report's model, three questions the added SKL
    report answers word for word were declined (0.41–0.46; new-user trial, 2026-12-07, fifth session): for the
    report's own questions the neighbour feature adds about 3 to the logit, and a figure asked for takes 2.5."""
    if _about_the_report(hits):
        return learned.decision, learned.decision_threshold
    return learned.other_decision, learned.other_threshold


def _about_the_report(hits: list[Hit]) -> bool:
    """Whether the best passage is the bundled report's: the wording features learned what questions about the
    report read like, so a question another document answers best gets no evidence from them (0 is neutral).  With
    it, a question the added SKL report answers ("Hur många kommunpolitiker hoppar av i förtid?") was declined
    (new-user trial, 2026-12-07)."""
    return bool(hits) and hits[0].passage.document == BUNDLED_REPORT


def _follow_up_row(loaded: _Loaded, reading: Reading) -> np.ndarray:
    """The follow-up model's features of a question read in a conversation, by one loaded index."""
    retriever, together = loaded.retriever, reading.together
    assert together is not None, "a question with no conversation before it is no follow-up"
    return follow_up_features(
        reading,
        loaded.reader.municipalities,
        retriever.similarity(reading.alone.text, reading.topic_text),
        retriever.best_cosine(reading.alone.text),
        retriever.cited_similarity(reading.alone.text, together.cited),
        retriever.best_cosine(together.search_text),
    )


def _excluded_by_filters(filters: Filters) -> str:
    """Why a filter combination leaves nothing, and which filter to remove."""
    if filters.kind == "tip" and (filters.municipality or filters.role):
        which = "kommunfiltret" if filters.municipality else "rollfiltret"
        owner = "en kommun" if filters.municipality else "en roll"
        return f"Inga tips är knutna till {owner} – ta bort {which}."
    chosen = [v for v in (filters.municipality, filters.role, filters.kind, filters.document) if v]
    return f"Inga stycken passar filtren ({', '.join(chosen)}) – ta bort något av dem."
