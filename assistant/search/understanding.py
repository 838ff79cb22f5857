"""The question understood once: mended text, language, intent, speaker, places, years, follow-up.

Everything after this — ranking, the answered decision, the reply — reads the one :class:`Query`
made here instead of reading the question again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.search import conversation
from assistant.search.bridges import Bridges
from assistant.search.coverage import YEAR
from assistant.search.intent import intent_of
from assistant.search.places import Gazetteer, swedish_places
from assistant.search.query import Query, Speller, mend
from assistant.search.speakers import named_speaker

TIP_WORDS = re.compile(r"\b(tips?|tipsen|tipset|råd|råden|rådet|rekommendation\w*|advice)\b", re.IGNORECASE)


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

    def understand(self, question: str, previous: str | None = None) -> Query:
        """``question`` understood, as a follow-up of ``previous`` (the previous turn's searched text) if it is one."""
        text, language = mend(question, self.speller)
        speaker = named_speaker(text, self.municipalities)
        places = tuple(self.places.named(text)) if language == "sv" else ()
        asks_tips = bool(TIP_WORDS.search(text))
        follow_up = bool(previous) and conversation.is_follow_up(text, self.municipalities)
        role, town, searched = speaker.role, speaker.municipality, text
        implied_role, implied_town = None, None
        previous_intent = None
        if previous and follow_up:
            previous_intent = self.understand(previous).intent
            asks_tips = asks_tips or bool(TIP_WORDS.search(previous))
            before = named_speaker(previous, self.municipalities)
            carried_town = before.municipality if conversation.points_to_place(text) else None
            implied_role, implied_town = speaker.role, speaker.municipality or carried_town
            topic = conversation.topic(previous, bool(speaker.role), bool(speaker.municipality), self.municipalities)
            searched = f"{topic} {text}"
            role = speaker.role or (None if asks_tips else before.role)
            town = speaker.municipality or carried_town or (None if asks_tips else before.municipality)
        intent = intent_of(text, bool(role or town), bool(town))
        if intent == "general" and previous_intent:
            intent = previous_intent  # "Och om integrering då?" asks what the question before asked
        if asks_tips and intent == "general":
            intent = "advice"
        return Query(
            typed=question,
            text=text,
            language=language,
            intent=intent,
            role=role,
            municipality=town,
            places=places,
            years=tuple(dict.fromkeys(m.group(0) for m in YEAR.finditer(text))),
            asks_tips=asks_tips,
            follow_up=follow_up,
            searched=searched,
            implied_role=implied_role,
            implied_municipality=implied_town,
            bridges=self.bridges.of(searched) if self.bridges and language == "sv" else (),
        )
