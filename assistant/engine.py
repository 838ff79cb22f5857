"""The running assistant: model, index and retriever, shared by the CLI and the chat.

Queries read ``self.retriever`` once; a rebuild builds a new index on disk,
loads it, and swaps the retriever reference, so queries never see a
half-built index and switch to the new one atomically.
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

from assistant.documents.layout import clean_characters
from assistant.errors import BusyError, IndexUnavailable, InputError
from assistant.reply.answer import Answer, ReplySettings, compose
from assistant.reply.answerability import DECISION_FEATURES, decide
from assistant.reply.lead import LEAD_FEATURES, Focus
from assistant.search.build import BuildReport, build_index, ensure_index
from assistant.search.conversation import Conversation
from assistant.search.corpus_changes import CorpusChange, Progress, add_documents, remove_documents
from assistant.search.coverage import Coverage, union
from assistant.search.embeddings import Embedder, Say
from assistant.search.features import PASSAGE_FEATURES
from assistant.search.follow_up import FOLLOW_UP_FEATURES, FOLLOW_UP_THRESHOLD, follow_up_features
from assistant.search.index import Index, current_build, load_index
from assistant.search.learned import Learned, load_learned
from assistant.search.query import Query, Speller
from assistant.search.retrieve import Filters, Retriever, SearchSettings
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
    with the next question; ``follows`` the question that opened the topic this one was read as a follow-up
    to and ``topic`` the topic text searched in front of it (both "" for a new question), with the
    ``follow_up_probability``.
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
    return load_learned(PASSAGE_FEATURES, LEAD_FEATURES, DECISION_FEATURES, FOLLOW_UP_FEATURES)


def neutral_values() -> Learned:
    """Zero weights for the features the code computes (``assistant tune`` fits from these)."""
    return Learned.neutral(PASSAGE_FEATURES, LEAD_FEATURES, DECISION_FEATURES, FOLLOW_UP_FEATURES)


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
        titles: dict[str, str] = {}
        for document, title in passages.firsts("title", by="document"):
            titles.setdefault(document, title)
        return cls(
            retriever,
            Reader.of(Speller(index.words), retriever.municipality_names),
            tuple(town for town in passages.values("municipality") if town),
            {document: tuple(towns) for document, towns in by_document.items()},
            titles,
            union(index.coverage.values()),
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
        index, self.build_reason = ensure_index(index_dir, corpus_dir, self.embedder, progress=progress, say=say)
        if self.build_reason:
            log.info("Index built because: %s", self.build_reason)
        self._loaded = _Loaded.of(index, embedder, self.learned, settings.search)
        self._rebuilding = threading.Lock()
        self._refused: Path | None = None

    @property
    def retriever(self) -> Retriever:
        return self._loaded.retriever

    def document_titles(self) -> dict[str, str]:
        """Every indexed document's title (its name when it has none), in index order; no passage is read."""
        titles = self._loaded.titles
        return {d: titles.get(d, d) for d in self.retriever.index.passages.values("document")}

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
        probability = self.follow_up_probability(reading)
        follows = probability >= FOLLOW_UP_THRESHOLD
        query = reading.query(follows)
        filters = self.implied(query, filters)
        ranking = retriever.rank_conversation(reading.alone, reading.together, probability, filters)
        if len(ranking.score) == 0 and filters != given:
            filters = given  # what the conversation implied leaves nothing: it stays a soft focus only
            ranking = retriever.rank_conversation(reading.alone, reading.together, probability, filters)
        hits = ranking.top(max(top_k, DECIDING_HITS))
        wants_tips = query.asks_tips or query.intent == "advice"
        tips = ranking.top(self.settings.reply.max_tips_asked, kind="tip") if wants_tips else None
        if not hits and filters != Filters():
            raise InputError(_excluded_by_filters(retriever.normalise(filters)))
        document = retriever.normalise(filters).document
        learned = self.learned
        quoted = loaded.quoted_in(document)
        decision = decide(query, hits, loaded.coverage(document), quoted, learned.decision, learned.decision_threshold)
        town = retriever.normalise(Filters(municipality=filters.municipality or query.municipality)).municipality
        focus = Focus(town, loaded.quoted)
        answer = compose(query, hits, decision, learned.lead, focus, self.settings.reply, loaded.scope(document), tips)
        answer = replace(answer, hits=answer.hits[:top_k])
        inferred = Filters(
            *(None if old == new else new for old, new in zip(astuple(given), astuple(filters), strict=True))
        )
        after = talk.after(
            reading.topic_after(follows, loaded.reader.municipalities, given.document),
            follows,
            question,
            tuple(hit.passage.id for hit in answer.cited),
            tuple(sentence.text for sentence in answer.lead),
        )
        opening, topic = (reading.topic.opening, reading.topic_text) if follows and reading.topic else ("", "")
        return Reply(answer, query.search_text, filters, inferred, query, after, opening, topic, probability)

    def understand(self, question: str, filters: Filters = Filters()) -> tuple[Query, Filters]:
        """A question understood on its own, and its filters."""
        return self._loaded.reader.understand(question), filters

    def read(self, question: str, conversation: Conversation) -> Reading:
        """A question read alone and in ``conversation`` (see :class:`Reading`)."""
        return self._loaded.reader.read(question, conversation)

    @staticmethod
    def implied(query: Query, filters: Filters) -> Filters:
        """``filters`` with those a follow-up implies ("Och i Kalix?") added."""
        return Filters(
            municipality=filters.municipality or query.implied_municipality,
            role=filters.role or query.implied_role,
            kind=filters.kind,
            document=filters.document,
        )

    def follow_up_probability(self, reading: Reading) -> float:
        """How likely the question follows its conversation's thread (0 without a conversation before it)."""
        if reading.together is None:
            return 0.0
        return float(self.learned.follow_up.probability(self.follow_up_row(reading)[None, :])[0])

    def follow_up_row(self, reading: Reading) -> np.ndarray:
        """The follow-up model's features of a question read in a conversation with a topic."""
        retriever = self.retriever
        return follow_up_features(
            reading,
            self._loaded.reader.municipalities,
            retriever.similarity(reading.alone.text, reading.topic_text),
            retriever.best_cosine(reading.alone.text),
        )

    def use(self, learned: Learned | None = None, settings: Settings | None = None) -> None:
        """Answer with other learned values or settings from now on (``tune`` while it fits, ``eval --set``)."""
        self.learned = learned or self.learned
        self.settings = settings or self.settings
        self._loaded = _Loaded.of(self.retriever.index, self.embedder, self.learned, self.settings.search)

    def rebuild(self, progress: bool = False) -> BuildReport:
        """Rebuild the index from the corpus and switch to it; BusyError if one is running."""
        if not self._rebuilding.acquire(blocking=False):
            raise BusyError("En omindexering pågår redan; vänta tills den är klar.")
        try:
            report = build_index(self.corpus_dir, self.index_dir, self.embedder, progress=progress, say=self.say)
            self._loaded = _Loaded.of(load_index(self.index_dir), self.embedder, self.learned, self.settings.search)
            return report
        finally:
            self._rebuilding.release()

    def document_key(self, name: str) -> str:
        """The document a user means by its title ("På väg mot …", any case), else ``name`` as given (a file
        name, checked by the retriever's filter)."""
        wanted = " ".join(name.split()).casefold()
        for document, title in self._loaded.titles.items():
            if " ".join(title.split()).casefold() == wanted:
                return document
        return name

    def add_documents(self, files: Sequence[Path], progress: Progress | None = None) -> CorpusChange:
        """Add files to the corpus and switch to an index that holds them (see :func:`add_documents`)."""
        return add_documents(self.corpus_dir, files, self.rebuild, progress)

    def remove_document(self, name: str) -> CorpusChange:
        """Remove a document and switch to an index without it (see :func:`remove_documents`)."""
        return remove_documents(self.corpus_dir, name, self.rebuild)

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


def _excluded_by_filters(filters: Filters) -> str:
    """Why a filter combination leaves nothing, and which filter to remove."""
    if filters.kind == "tip" and (filters.municipality or filters.role):
        which = "kommunfiltret" if filters.municipality else "rollfiltret"
        owner = "en kommun" if filters.municipality else "en roll"
        return f"Inga tips är knutna till {owner} – ta bort {which}."
    chosen = [v for v in (filters.municipality, filters.role, filters.kind, filters.document) if v]
    return f"Inga stycken passar filtren ({', '.join(chosen)}) – ta bort något av dem."
