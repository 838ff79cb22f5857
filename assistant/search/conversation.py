"""Follow-up questions in a chat: "Och i Kalix?" after "Vilka tips finns om uppföljning?".

A follow-up is recognised by its form, never by its length alone: it opens with "och"/"men"/"än",
points back ("det", "den", "där", "dom"), or names nothing but a municipality or role ("Kalix då?",
"Politikerna?").  It is searched after the previous question's topic; a place or role it names
replaces the previous one in that topic instead of adding to it, and "där"/"dit" carry the previous
place.
"""

from __future__ import annotations

import re

from assistant.search.lexical import STOPWORDS, WORD, words
from assistant.search.speakers import is_role_word, is_speaker_word, is_town_word

FOLLOW_UP_OPENERS = {"och", "men", "än", "samma", "också", "även", "and"}
REFERRING_WORDS = {"det", "detta", "dem", "där", "dessa", "denna", "den", "de", "dom", "dit", "sådant", "samma", "då"}
POINTING_WORDS = {"det", "detta", "dem", "där", "den", "dit", "dom", "dessa"}
"""Words that point back even when they are not last: "Vad sa politikerna om det i Kalix?"."""
PLACE_POINTERS = {"där", "dit", "därifrån", "samma"}
"""Words that carry the previous question's place: "Vad sa politikerna där?"."""
QUESTION_WORDS = {"vad", "hur", "vem", "vilka", "vilken", "vilket", "varför", "när", "var", "sa", "säger", "tycker"}


def is_follow_up(question: str, municipalities: list[str]) -> bool:
    """True for questions that make sense only with the one before."""
    found = words(question)
    if not found:
        return False
    content = [w for w in found if w not in STOPWORDS and w not in QUESTION_WORDS]
    only_names = bool(content) and all(is_speaker_word(w, municipalities) for w in content)
    return (
        found[0] in FOLLOW_UP_OPENERS
        or found[-1] in REFERRING_WORDS
        or any(w in POINTING_WORDS for w in found[-3:])
        or only_names
    )


def points_to_place(question: str) -> bool:
    """True when the question carries the previous question's place ("där", "dit")."""
    return any(w in PLACE_POINTERS for w in words(question))


def topic(previous: str, replace_role: bool, replace_town: bool, municipalities: list[str]) -> str:
    """The previous query without the role or town words a follow-up replaces, nor earlier follow-ups' "och",
    "där", "då"; punctuation kept."""

    def replaced(word: str) -> bool:
        lower = word.lower()
        if lower in FOLLOW_UP_OPENERS or lower in REFERRING_WORDS:
            return True  # "Och", "där", "då" of earlier follow-ups: the topic does not grow with them
        return (replace_town and is_town_word(lower, municipalities)) or (replace_role and is_role_word(lower))

    kept = WORD.sub(lambda m: "" if replaced(m.group(0)) else m.group(0), previous)
    return re.sub(r"\s+([?.!,:;])", r"\1", " ".join(kept.split()))
