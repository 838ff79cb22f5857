"""Follow-up questions in a chat: "Och i Kalix?" after "Vilka tips finns om uppföljning?".

A follow-up is short or leans on the previous question ("och …", "det",
"där"); it is searched together with the user's previous question, so
retrieval sees both the topic and the new angle.
"""

from __future__ import annotations

from assistant.lexical import words

FOLLOW_UP_OPENERS = {"och", "men", "än", "samma", "också", "även"}
REFERRING_WORDS = {"det", "detta", "dem", "där", "dessa", "den", "denna", "de", "sådant", "samma"}
SHORT_QUESTION_WORDS = 3


def is_follow_up(question: str) -> bool:
    """True for questions that make sense only with the one before."""
    found = words(question)
    if not found:
        return False
    return (
        found[0] in FOLLOW_UP_OPENERS
        or len(found) <= SHORT_QUESTION_WORDS
        or found[-1] in REFERRING_WORDS
        or any(w in {"det", "detta", "dem", "där"} for w in found[-3:])
    )


def contextualize(question: str, previous_query: str | None) -> str:
    """The text to search for: the question, with the previous query when it is a follow-up.

    ``previous_query`` is what was searched for the previous question (itself
    possibly contextualised), so a chain of follow-ups keeps its topic.
    """
    if previous_query and is_follow_up(question):
        return f"{previous_query} {question}"
    return question
