"""Does a question follow the conversation's thread?  A probability from a logistic model over named features.

"Hur gjorde de före projektet?" points back with "de"; "Varför då?" has no word of its own; "Och i Kalix?"
names only a place that replaces the topic's; "Vad är CEMR-deklarationen?" is nearer to the report than to the
conversation.  Each of these is a feature; ``assistant tune`` learns their weights from conversation turns
labelled with their kind (``follow_up`` in ``assistant/learned/weights.json``), and the turn is then searched
alone and in its conversation, mixed by the probability (``Retriever.rank_conversation``).
"""

from __future__ import annotations

import numpy as np

from assistant.search.conversation import (
    ABOUT_ANSWER,
    FOLLOW_UP_OPENERS,
    POINTING_WORDS,
    content_words,
)
from assistant.search.lexical import WORD, normal_forms, words
from assistant.search.speakers import is_speaker_word
from assistant.search.understanding import Reading

FOLLOW_UP_FEATURES = (
    "points_back",
    "points_back_last",
    "opens_with_and",
    "no_content_word",
    "only_names",
    "about_answer",
    "names_other_place",
    "names_other_role",
    "topic_word_share",
    "topic_similarity",
    "corpus_similarity",
    "english",
    "content_words",
    "cited_similarity",
    "together_gain",
)
"""The follow-up model's inputs, in the order of its weights."""
FOLLOW_UP_THRESHOLD = 0.5
"""A turn whose probability reaches this is shown as "Följdfråga till: …" and grows the topic."""


def follow_up_features(
    reading: Reading,
    municipalities: list[str],
    topic_similarity: float,
    corpus_similarity: float,
    cited_similarity: float,
    together_similarity: float,
) -> np.ndarray:
    """One row of ``FOLLOW_UP_FEATURES`` for a question read in a conversation that has a topic.

    ``topic_similarity`` is the cosine of the question and the topic text (both as queries);
    ``corpus_similarity`` the question's best passage cosine: a question that stands on its own finds a passage
    about as close as the topic.  ``cited_similarity`` is the question's cosine to the nearest passage the previous
    reply cited (0 when it cited none), and ``together_similarity`` the best passage cosine of the question searched
    in its conversation (topic and question): a question that goes on with the thread ("Vem genomförde själva
    intervjuerna?" after a reply about the study's method) is near what was just cited, and its topic sharpens
    what it finds rather than blurring it.  The two raised "continues" turns read as follow-ups from 0.559 to
    0.663 and topic changes read as new from 0.880 to 0.903, out of fold on 1,398 development turns (gold states,
    2026-12-07).
    """
    alone, topic = reading.alone, reading.topic
    assert topic is not None, "a question with no conversation before it is no follow-up"
    found = words(alone.text)
    own = content_words(alone.text, municipalities)
    topic_forms = {normal_forms(w.lower())[0] for w in WORD.findall(reading.topic_text)}
    shared = [w for w in own if normal_forms(w.lower())[0] in topic_forms]
    speakers = [w for w in found if is_speaker_word(w, municipalities)]
    columns = {
        "points_back": any(w in POINTING_WORDS for w in found),
        "points_back_last": any(w in POINTING_WORDS for w in found[-2:]),
        "opens_with_and": bool(found) and found[0] in FOLLOW_UP_OPENERS,
        "no_content_word": not own,
        "only_names": not own and bool(speakers),
        "about_answer": bool(ABOUT_ANSWER.search(alone.text)),
        "names_other_place": bool(alone.municipality) and alone.municipality != topic.municipality,
        "names_other_role": bool(alone.role) and alone.role != topic.role,
        "topic_word_share": len(shared) / len(own) if own else 0.0,
        "topic_similarity": topic_similarity,
        "corpus_similarity": corpus_similarity,
        "english": alone.language == "en",
        "content_words": np.log1p(len(own)),
        "cited_similarity": cited_similarity,
        "together_gain": together_similarity - corpus_similarity,
    }
    return np.array([float(columns[name]) for name in FOLLOW_UP_FEATURES], dtype=np.float32)
