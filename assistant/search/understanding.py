"""The question understood once: mended text, language, intent, speaker, places, years — alone and in its
conversation.

Everything after this — ranking, the answered decision, the reply — reads the :class:`Query` made here
instead of reading the question again.  A question asked in a conversation is read twice (:class:`Reading`):
alone, and together with the conversation's topic; the follow-up probability decides how the two mix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.search import conversation
from assistant.search.bridges import Bridge, Bridges
from assistant.search.conversation import Conversation, Topic
from assistant.search.coverage import YEAR
from assistant.search.intent import Intent, intent_of
from assistant.search.places import Gazetteer, swedish_places
from assistant.search.query import Query, Speller, mend
from assistant.search.speakers import named_speaker

TIP_WORDS = re.compile(r"\b(tips?|tipsen|tipset|råd|råden|rådet|rekommendation\w*|advice)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """A question read alone and, when the conversation has a topic, together with it."""

    alone: Query
    together: Query | None = None
    topic: Topic | None = None
    """The conversation's topic before this question (None for a conversation's first question)."""
    topic_text: str = ""
    """The topic as searched in front of the question ("" without a topic)."""

    def query(self, follows: bool) -> Query:
        """The reading a reply is composed from: together when the question follows the thread."""
        return self.together if follows and self.together is not None else self.alone

    def topic_after(self, follows: bool, municipalities: list[str], document: str | None) -> Topic:
        """The conversation's topic after this question: grown when it follows, else opened by it."""
        query = self.query(follows)
        if follows and self.topic is not None:
            return replace(
                self.topic,
                words=self.topic.grown(self.alone.text, municipalities),
                municipality=query.municipality,
                role=query.role,
                intent=query.intent,
                asks_tips=query.asks_tips,
                document=document,
            )
        return Topic(self.alone.text, (), query.municipality, query.role, query.intent, query.asks_tips, document)


@dataclass(frozen=True)
class Reader:
    """What understanding needs from the loaded index: its speller, the municipalities it quotes, its bridges."""

    speller: Speller
    municipalities: list[str]
    places: Gazetteer
    bridges: Bridges | None = None

    @classmethod
    def of(cls, speller: Speller, municipalities: list[str], bridges: Bridges | None = None) -> Reader:
        return cls(speller, municipalities, swedish_places(), bridges)

    def understand(self, question: str) -> Query:
        """``question`` understood on its own."""
        text, language = mend(question, self.speller)
        speaker = named_speaker(text, self.municipalities)
        asks_tips = bool(TIP_WORDS.search(text))
        intent = intent_of(text, bool(speaker.role or speaker.municipality), bool(speaker.municipality))
        return Query(
            typed=question,
            text=text,
            language=language,
            intent="advice" if asks_tips and intent == "general" else intent,
            role=speaker.role,
            municipality=speaker.municipality,
            places=tuple(self.places.named(text)) if language == "sv" else (),
            years=tuple(dict.fromkeys(m.group(0) for m in YEAR.finditer(text))),
            asks_tips=asks_tips,
            searched=text,
            bridges=self._bridges(text, language),
        )

    def _bridges(self, searched: str, language: str) -> tuple[Bridge, ...]:
        """The searched words the documents never use, bridged to words they use (Swedish questions only)."""
        return self.bridges.of(searched) if self.bridges and language == "sv" else ()

    def read(self, question: str, talk: Conversation | None = None) -> Reading:
        """``question`` alone, and in ``talk``'s topic when there is one."""
        alone = self.understand(question)
        if talk is None or talk.topic is None:
            return Reading(alone)
        topic, text = talk.topic, alone.text
        named = named_speaker(text, self.municipalities)
        carried_town = (topic.municipality or talk.place) if conversation.points_to_place(text) else None
        asks_tips = alone.asks_tips or topic.asks_tips
        role = named.role or (None if asks_tips else topic.role)
        town = named.municipality or carried_town or (None if asks_tips else topic.municipality)
        topic_text = topic.text(self.municipalities, bool(named.role), bool(named.municipality))
        intent = intent_of(text, bool(role or town), bool(town))
        if intent == "general":
            intent = topic.intent  # "Och om integrering då?" asks what the question before asked
        if asks_tips and intent == "general":
            intent = "advice"
        named_town = named.municipality or carried_town
        town_filter = _implied(text, intent, named_town, self.municipalities)
        together = replace(
            alone,
            intent=intent,
            role=role,
            municipality=town,
            asks_tips=asks_tips,
            follow_up=True,
            searched=f"{topic_text} {text}",
            implied_municipality=town_filter,
            cited=talk.cited,
            led=talk.sentences,
            follows=conversation.follows_kind(text),
            bridges=self._bridges(f"{topic_text} {text}", alone.language),
        )
        return Reading(alone, together, topic, topic_text)

    def opened_by(self, previous_query: str) -> Conversation:
        """A conversation whose only turn searched ``previous_query`` (the ``previous_query`` of older clients)."""
        query = self.understand(previous_query)
        topic = Topic(query.text, (), query.municipality, query.role, query.intent, query.asks_tips)
        return Conversation(topic, 1, previous_query)


def _implied(text: str, intent: Intent, town: str | None, municipalities: list[str]) -> str | None:
    """The municipality a follow-up restricts its passages to (its role, and any other place, stay a soft focus:
    the ranker's ``town_match`` and ``role_match``).

    Only a follow-up asking what someone said ("Vad sa politikerna där?") or naming nothing but a place ("Och i
    Gällivare?") is restricted, by its place.  A role word never restricts: a passage's role is its speaker's, so a
    role filter leaves quotes only, and what a follow-up asks of a role is often the report's paragraph about it.
    Restricted by role as well, 16 of 759 development follow-ups (two folds out of fold, turns asked as ``eval``
    asks them) had every gold passage filtered out ("Och vad säger politikerna själva om sin del i det?", "Räcker
    det att ledningen säger ja?"); without it, follow-ups right first 0.673 → 0.686, top 5 0.901 → 0.918 (2026-12-07,
    docs/evaluation.md).  A role word mostly says what a question is about, not who speaks: "Hur gjorde de i
    skolan?" restricted to school staff's quotes lost every paragraph about the school, and 225 of 1,223
    development follow-ups (gold states) had every gold passage filtered out before any role or place a follow-up
    merely talks about stopped filtering.
    """
    if intent == "said" or not conversation.content_words(text, municipalities):
        return town
    return None
