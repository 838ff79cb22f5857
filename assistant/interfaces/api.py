"""The chat's one public API endpoint, ``/ask``: a question in, the reply as JSON out.

With accounts (``--accounts``) every API call needs a login, as the page does: Gradio refuses a call
without one (401) before it reaches this function.
"""

from __future__ import annotations

from typing import Any

from assistant.engine import DEFAULT_TOP_K, Engine
from assistant.errors import InputError
from assistant.interfaces.chat_events import answer_or_message, conversation_state
from assistant.search.retrieve import Filters


class AskEndpoint:
    """``/ask`` for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ask(
        self,
        question: str,
        municipality: str = "",
        role: str = "",
        kind: str = "",
        top_k: int = DEFAULT_TOP_K,
        document: str = "",
        previous_query: str = "",
        conversation: dict | None = None,
    ) -> dict[str, Any]:
        """Ask the report a question in Swedish.

        Returns the reply as Markdown and the ranked passages with citations.
        Empty filters mean any municipality, role, kind and document.  To hold a conversation, pass
        the previous reply's ``conversation`` back as ``conversation`` ("Och i Kalix?" is then read in it;
        the reply's ``follows``, ``topic`` and ``follow_up_probability`` say how); the previous reply's
        ``query`` as ``previous_query`` still works, carrying that question only.
        """
        self.engine.reload_if_changed()  # API clients see a rebuild made elsewhere without a page open
        try:
            count = _whole_number(top_k)
        except InputError as error:
            return {"question": str(question)[:500], "error": str(error)}
        reply = answer_or_message(
            self.engine,
            question,
            "through the API",
            top_k=count,
            filters=Filters(
                municipality or None,
                role or None,
                kind or None,
                document or None,  # a file name, a name or a title
            ),
            previous_query=str(previous_query or "").strip()[:2000] or None,
            conversation=conversation_state(conversation),
        )
        if isinstance(reply, str):
            return {"question": str(question)[:500], "error": reply}
        return reply.to_dict()


def _whole_number(value: object) -> int:
    """``top_k`` as sent by an API client; InputError (Swedish) when it is no whole number."""
    try:
        return int(str(value))
    except ValueError as error:
        raise InputError(f"Antal träffar måste vara ett heltal, inte {str(value)[:20]!r}.") from error
