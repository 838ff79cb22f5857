"""A conversation's state: the topic built over its turns and what the previous reply cited.

"Och i Kalix?", "Varför då?", "Hur gjorde de före projektet?" mean something only after the turns before.
Each reply returns a :class:`Conversation` (JSON round-trippable, so the chat, ``ask --conversation`` and
the ``/ask`` API can keep it and pass it back); the next question is read against it.  Whether a question
follows the thread is not decided here: ``follow_up.py`` gives a probability, and the turn is searched both
alone and in its conversation, mixed by that probability.  A turn read as a follow-up adds to the topic;
one read as a new question opens a new topic.

The topic text is the question that opened the topic, without the town or role words a follow-up replaces,
followed by the content words later turns added ("skolan Övertorneå" stays through a chain of pronouns).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from assistant.errors import InputError
from assistant.search.intent import INTENTS, Intent
from assistant.search.lexical import STOPWORDS, WORD, words
from assistant.search.speakers import is_role_word, is_speaker_word, is_town_word

FOLLOW_UP_OPENERS = {"och", "men", "än", "samma", "också", "även", "and", "also", "but"}
POINTING_WORDS = {
    "det", "detta", "dem", "där", "dessa", "denna", "den", "de", "dom", "dit", "sådant", "samma", "då", "dess",
    "deras", "därifrån", "därför", "hen", "hens", "han", "hon", "hans", "hennes",
    "it", "that", "they", "them", "there", "those", "this", "their", "he", "she", "his", "her",
}  # fmt: skip
"""Words that point back; in a question that opens a conversation "det" and "de" are common too, so they are a
feature of the learned follow-up probability, never a rule on their own."""
PLACE_POINTERS = {"där", "dit", "därifrån", "samma", "there"}
"""Words that carry the topic's place: "Vad sa politikerna där?"."""
QUESTION_WORDS = {
    "vad", "hur", "vem", "vilka", "vilken", "vilket", "varför", "när", "var", "sa", "säger", "tycker", "kan", "du",
    "ge", "finns", "fanns", "gjorde", "gör", "the", "what", "how", "why", "who", "which", "did", "do", "does", "is",
    "are", "was", "were", "can", "you", "give", "any", "there", "a", "an", "of", "in", "for", "about", "on", "to",
}  # fmt: skip
ABOUT_ANSWER = re.compile(
    r"\b(exempel\w*|t ?ex|konkret\w*|varför|sen|sedan|därefter|efteråt|mer|fler|annat|menas|menar|betyder|"
    r"example\w*|why|then|more|else|mean)\b",
    re.IGNORECASE,
)
"""Words of a question about the previous reply rather than about a topic ("Kan du ge ett exempel?")."""
ASKS_EXAMPLE = re.compile(r"\b(exempel\w*|t ?ex|konkret\w*|example\w*|instance)\b", re.IGNORECASE)
ASKS_NEXT = re.compile(
    r"\b(sen|sedan|därefter|efteråt|fortsatte|fortsättning\w*|vad hände|hur gick det|vad mer|"
    r"then|afterwards|what happened|what else)\b",
    re.IGNORECASE,
)
TOPIC_WORDS = 12
"""At most this many content words of later turns are kept in the topic (the oldest go first)."""


def content_words(text: str, municipalities: list[str]) -> list[str]:
    """The words of ``text`` that carry a topic: no stopword, question word, pointer or speaker name, as typed."""
    return [
        word
        for word in WORD.findall(text)
        if (lower := word.lower()) not in STOPWORDS
        and lower not in QUESTION_WORDS
        and lower not in POINTING_WORDS
        and lower not in FOLLOW_UP_OPENERS
        and not ABOUT_ANSWER.fullmatch(lower)
        and not is_speaker_word(lower, municipalities)
        and not lower.isdigit()
    ]


def own_words_of(text: str) -> str:
    """``text`` without its question words ("Vad säger HR om det?" → "HR om det?"): what a follow-up itself names."""
    return WORD.sub(lambda m: "" if m.group(0).lower() in QUESTION_WORDS else m.group(0), text)


def points_to_place(question: str) -> bool:
    """True when the question carries the topic's place ("där", "dit")."""
    return any(w in PLACE_POINTERS for w in words(question))


def follows_kind(question: str) -> str:
    """What a question about the previous reply asks for: "example", "next" (what came after) or ""."""
    if ASKS_EXAMPLE.search(question):
        return "example"
    if ASKS_NEXT.search(question):
        return "next"
    return ""


def without_speakers(text: str, replace_role: bool, replace_town: bool, municipalities: list[str]) -> str:
    """``text`` without the role or town words a follow-up replaces, nor follow-ups' "och", "där", "då";
    punctuation kept."""

    def replaced(word: str) -> bool:
        lower = word.lower()
        if lower in FOLLOW_UP_OPENERS or lower in POINTING_WORDS:
            return True  # "Och", "där", "då" of earlier follow-ups: the topic does not grow with them
        return (replace_town and is_town_word(lower, municipalities)) or (replace_role and is_role_word(lower))

    kept = WORD.sub(lambda m: "" if replaced(m.group(0)) else m.group(0), text)
    return re.sub(r"\s+([?.!,:;])", r"\1", " ".join(kept.split()))


@dataclass(frozen=True)
class Topic:
    """What a conversation is about, built over its turns since the last change of topic."""

    opening: str
    """The (mended) question that opened the topic."""
    words: tuple[str, ...] = ()
    """Content words later turns on the topic added, in order."""
    municipality: str | None = None
    role: str | None = None
    intent: Intent = "general"
    asks_tips: bool = False
    document: str | None = None

    def text(self, municipalities: list[str], replace_role: bool = False, replace_town: bool = False) -> str:
        """The topic as search text; the town or role the next question names replaces the topic's."""
        opening = without_speakers(self.opening, replace_role, replace_town, municipalities)
        have = {w.lower() for w in WORD.findall(opening)}
        added = [w for w in self.words if w.lower() not in have]
        carried = [] if replace_town or not self.municipality else [self.municipality]
        carried += [] if replace_role or not self.role else [self.role.lower()]
        added += [w for w in carried if w.lower() not in have]  # a place "där" carried, a role a follow-up named
        return " ".join([opening, *added]).strip()

    def grown(self, question: str, municipalities: list[str]) -> tuple[str, ...]:
        """The topic's words with a follow-up's own content words added (the newest kept)."""
        have = {w.lower() for w in (*WORD.findall(self.opening), *self.words)}
        new = [w for w in dict.fromkeys(content_words(question, municipalities)) if w.lower() not in have]
        return (*self.words, *new)[-TOPIC_WORDS:]


@dataclass(frozen=True)
class Conversation:
    """The state a reply hands to the next turn (``Reply.conversation``); empty before the first question."""

    topic: Topic | None = None
    turns: int = 0
    """Turns asked on this topic."""
    previous: str = ""
    """The previous turn's question, as typed."""
    cited: tuple[str, ...] = ()
    """Ids of the passages the previous reply cited, in the order it cited them (the lead's first)."""
    sentences: tuple[str, ...] = field(default=())
    """The previous reply's lead sentences, verbatim."""
    place: str | None = None
    """The municipality the previous reply's lead spoke of (its speaker's, else the first it names): what "där"
    points at when no question named one ("Finns det något exempel?" led with Kalix; "Vad sa rektorerna där?")."""

    @property
    def started(self) -> bool:
        return self.topic is not None

    def after(
        self,
        topic: Topic,
        follows: bool,
        question: str,
        cited: tuple[str, ...],
        sentences: tuple[str, ...],
        place: str | None = None,
    ) -> Conversation:
        """The state after a turn: ``topic`` continued when it ``follows``, else a new one."""
        return Conversation(topic, self.turns + 1 if follows else 1, question, cited, sentences, place)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``conversation`` in ``ask --json`` and ``/ask``)."""
        data = asdict(self)
        data["cited"], data["sentences"] = list(self.cited), list(self.sentences)
        if self.topic is not None:
            data["topic"]["words"] = list(self.topic.words)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Conversation:
        """Inverse of :meth:`to_dict`; InputError (in Swedish) for anything else."""
        if not data:
            return cls()
        try:
            raw = dict(data)
            topic = raw.get("topic")
            read = cls(
                topic=None if topic is None else _topic(dict(topic)),
                turns=int(raw.get("turns", 0)),
                previous=_text(raw.get("previous", "")),
                cited=tuple(_text(c) for c in raw.get("cited", ())),
                sentences=tuple(_text(s) for s in raw.get("sentences", ())),
                place=_optional(raw.get("place")),
            )
        except (TypeError, ValueError, KeyError) as error:
            raise InputError(f"Samtalet kunde inte läsas ({error}); börja ett nytt samtal.") from error
        return read

    def restarted(self) -> Conversation:
        """The same conversation with nothing carried: the next question is asked as a new one."""
        return replace(self, topic=None, turns=0, cited=(), sentences=(), place=None)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"text expected, got {type(value).__name__}")
    return value[:2000]


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def _topic(data: dict[str, Any]) -> Topic:
    return Topic(
        opening=_text(data["opening"]),
        words=tuple(_text(w) for w in data.get("words", ()))[-TOPIC_WORDS:],
        municipality=_optional(data.get("municipality")),
        role=_optional(data.get("role")),
        intent=intent if (intent := data.get("intent")) in INTENTS else "general",
        asks_tips=bool(data.get("asks_tips", False)),
        document=_optional(data.get("document")),
    )
