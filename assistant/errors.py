"""The project's errors: one base class, one subclass per cause.

Every message is Swedish and meant for the user as it stands.  Interfaces turn
an exception into what the user reads in one place, :func:`user_message` (as
httpx's ``map_exceptions``): an ``AssistantError`` gives its own message;
anything else is a bug, logged with its traceback and shown as a short
internal-error message.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class AssistantError(Exception):
    """A problem the user can understand and usually fix (Swedish message)."""


class InputError(AssistantError):
    """A question, filter, option or file given by the user cannot be used."""


class CorpusError(AssistantError):
    """The corpus directory or one of its documents cannot be read."""


class UnreadableDocument(CorpusError):
    """One document cannot be read (format, damage, encryption, no text); the others still can."""


class ModelError(AssistantError):
    """The embedding model cannot be found, verified or loaded."""


class IndexUnavailable(AssistantError):
    """The index is missing or damaged."""


class BusyError(AssistantError):
    """A rebuild is already running."""


class MissingPackage(AssistantError):
    """A development command needs a package that only the `test` extra installs."""


INTERNAL_ERROR = "Internt fel: något gick fel i programmet, inte i din fråga. Försök igen; kvarstår felet, se loggen."
"""Shown to the user for any unexpected exception (which is logged with its traceback)."""


def user_message(error: Exception, doing: str) -> str:
    """What the user reads about ``error``: an AssistantError's own Swedish message, else INTERNAL_ERROR.

    ``doing`` says in English what failed ("answering 'Vad gjorde Kalix?'"); it goes to the log only,
    with the traceback for an unexpected exception and one line for an AssistantError.
    """
    if isinstance(error, AssistantError):
        log.info("%s failed: %s", doing, error)
        return str(error)
    log.error("Internal error while %s", doing, exc_info=error)
    return INTERNAL_ERROR
