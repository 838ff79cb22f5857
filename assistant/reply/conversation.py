"""Follow-up questions in a chat: "Och i Kalix?" after "Vilka tips finns om uppföljning?".

A follow-up is short or leans on the previous question ("och …", "det",
"där"); it is searched together with the user's previous question, so
retrieval sees both the topic and the new angle.
"""

from __future__ import annotations

from assistant.search.lexical import FOLD, words
from assistant.search.retrieve import Filters

FOLLOW_UP_OPENERS = {"och", "men", "än", "samma", "också", "även"}
REFERRING_WORDS = {"det", "detta", "dem", "där", "dessa", "den", "denna", "de", "sådant", "samma"}
POINTING_WORDS = {"det", "detta", "dem", "där"}
"""Words that point back even when they are not last: "Vad sa politikerna om det i Kalix?"."""
SHORT_QUESTION_WORDS = 3
ROLE_WORDS = {
    "politik": "Politiker",
    "forvaltning": "Förvaltningsföreträdare",
    "verksamhet": "Verksamhetsföreträdare",
    "pilotverksamhet": "Verksamhetsföreträdare",
}


def is_follow_up(question: str) -> bool:
    """True for questions that make sense only with the one before."""
    found = words(question)
    if not found:
        return False
    return (
        found[0] in FOLLOW_UP_OPENERS
        or len(found) <= SHORT_QUESTION_WORDS
        or found[-1] in REFERRING_WORDS
        or any(w in POINTING_WORDS for w in found[-3:])
    )


def contextualize(question: str, previous_query: str | None) -> str:
    """The text to search for: the question, with the previous query when it is a follow-up.

    ``previous_query`` is what was searched for the previous question (itself
    possibly contextualised), so a chain of follow-ups keeps its topic.
    """
    if previous_query and is_follow_up(question):
        return f"{previous_query} {question}"
    return question


def follow_up_filters(question: str, filters: Filters, municipalities: list[str]) -> Filters:
    """Filters a follow-up implies ("Och i Kalix?", "Vad sa politikerna?"), unless already set."""
    folded = [w.translate(FOLD) for w in words(question)]
    role = next((r for w in folded for stem, r in ROLE_WORDS.items() if w.startswith(stem)), None)
    town = next((m for m in municipalities if m.lower().translate(FOLD) in folded), None)
    return Filters(
        municipality=filters.municipality or town,
        role=filters.role or role,
        kind=filters.kind,
    )
