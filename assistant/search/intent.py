"""What kind of answer a question wants, read from its form: advice, what a place did, what someone said, ….

The intent is a feature of ranking (a tip answers advice; a speaker's quote answers "vad sa …") and of
choosing the lead (an advice question leads with "det är viktigt att …"), and ``ask --json`` shows it,
so a surprising reply can be explained.  Rules on the question's words, not a model: the forms are few
and a rule says plainly why it fired.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

Intent = Literal["advice", "did", "said", "definition", "reason", "figure", "yesno", "general"]
INTENTS: tuple[Intent, ...] = get_args(Intent)

ADVICE = re.compile(
    r"\b(hur (bör|ska|skall|kan|borde|gör|får|lyckas|kommer|undviker|håller) (vi|man|jag|ni|en)|"
    r"vad (bör|ska|skall|kan|borde|behöver) (vi|man|jag|ni)|vad (är|var) (viktigt|viktigast|nyckeln)|"
    r"tänka på|bästa (sättet|tipset|rådet)|tips(en|et)?|råd(en|et)?|rekommend\w*|(att|för att) lyckas|"
    r"how (should|can|do|could|to) (we|i|you|one|a municipality)|advice|recommend\w*|what should|key to)\b",
    re.IGNORECASE,
)
DID = re.compile(
    r"\b(gjorde|gjort|gör|genomförde|genomfört|arbetade|arbetat|jobbade|jobbat|satsade|satsat|"
    r"testade|testat|prövade|prövat|insatser|pilot\w*|hur gick|what did \w+ do|did \w+ do|done)\b",
    re.IGNORECASE,
)
SAID = re.compile(
    r"\b(sa|sade|säger|sagt|tycker|tyckte|tycks|menar|menade|anser|ansåg|berättar|berättade|uttryck\w*|"
    r"citat\w*|röster|say|said|says|think|thought)\b",
    re.IGNORECASE,
)
DEFINITION = re.compile(
    r"\b(vad (är|betyder|innebär|menas med|står \w+ för)|vad menar (rapporten|de|man) med|definier\w*|"
    r"what (is|are|does \w+ mean)|meaning of|define\w*)\b",
    re.IGNORECASE,
)
REASON = re.compile(r"\b(varför|vad beror|orsak\w*|anledning\w*|why|what causes|reason\w*)\b", re.IGNORECASE)
FIGURE_QUESTION = re.compile(
    r"\b(hur (många|mycket|stor|stora|stort|hög|höga|högt|lång|långa|länge)|vilk(en|et|a) (år|budget)|"
    r"andel(en)?|procent|antal(et)?|kostade|kostar|how (many|much|big|high|long)|what year)\b|^(när|when)\b",
    re.IGNORECASE,
)
YES_NO = re.compile(
    r"^(är|finns|fanns|har|hade|kan|kunde|fungerar|fungerade|går|gick|behöver|blir|blev|gäller|"
    r"ska|bör|måste|stämmer|brukar|leder|ledde|hjälper|hjälpte|"
    r"is|are|was|were|does|do|did|can|could|has|have|should)\b",
    re.IGNORECASE,
)


def intent_of(question: str, names_speaker: bool, names_place: bool) -> Intent:
    """The kind of answer ``question`` asks for.

    ``names_speaker`` (a role or a covered municipality is named) turns "vad sa/tyckte …" into ``said``;
    ``names_place`` turns "vad gjorde …" into ``did``.  Order matters: a figure or a definition is asked
    for whatever else the question says; advice wins over "what did" ("hur gjorde man för att lyckas").
    """
    text = question.strip()
    if FIGURE_QUESTION.search(text) and not ADVICE.search(text):
        return "figure"
    if DEFINITION.search(text) and not (names_place or names_speaker):
        return "definition"
    if SAID.search(text) and names_speaker:
        return "said"
    if ADVICE.search(text):
        return "advice"
    if DID.search(text) and names_place:
        return "did"
    if REASON.search(text):
        return "reason"
    if YES_NO.search(text):
        return "yesno"
    return "general"
