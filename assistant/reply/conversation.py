"""Follow-up questions in a chat: "Och i Kalix?" after "Vilka tips finns om uppföljning?".

A follow-up is recognised by its form, never by its length alone: it opens
with "och"/"men"/"än", points back ("det", "där", "dem"), or names nothing but
a municipality or role ("Kalix då?", "Politikerna?").  It is searched together
with the previous query, so retrieval sees both the topic and the new angle,
and the municipality or role it names becomes a filter.
"""

from __future__ import annotations

from assistant.search.lexical import STOPWORDS, words
from assistant.search.retrieve import Filters
from assistant.search.speakers import is_speaker_word, named_speaker

FOLLOW_UP_OPENERS = {"och", "men", "än", "samma", "också", "även", "and"}
REFERRING_WORDS = {"det", "detta", "dem", "där", "dessa", "denna", "sådant", "samma", "då"}
POINTING_WORDS = {"det", "detta", "dem", "där"}
"""Words that point back even when they are not last: "Vad sa politikerna om det i Kalix?"."""
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


def contextualize(question: str, previous_query: str | None, municipalities: list[str]) -> str:
    """The text to search for: the question, with the previous query when it is a follow-up.

    ``previous_query`` is what was searched for the previous question (itself
    possibly contextualised), so a chain of follow-ups keeps its topic.
    """
    if previous_query and is_follow_up(question, municipalities):
        return f"{previous_query} {question}"
    return question


def follow_up_filters(question: str, filters: Filters, municipalities: list[str]) -> Filters:
    """Filters a follow-up implies ("Och i Kalix?", "Vad sa politikerna om det?"), unless already set."""
    speaker = named_speaker(question, municipalities)
    return Filters(
        municipality=filters.municipality or speaker.municipality,
        role=filters.role or speaker.role,
        kind=filters.kind,
        document=filters.document,
    )
