"""Development commands' own packages (the `test` extra): a Swedish message on how to install a missing one.

A user's installation has only the runtime dependencies; ``bench --documents``
needs reportlab, ``bench --startup`` and ``loadtest`` need gradio_client (and
httpx). They check here before importing, so a missing package reads as an
instruction, not an ImportError.
"""

from __future__ import annotations

from importlib.util import find_spec

from assistant.errors import MissingPackage

INSTALL = "pip install -e '.[test]'"


def require(*modules: str) -> None:
    """Raise MissingPackage naming every one of ``modules`` that cannot be imported."""
    missing = [module for module in modules if find_spec(module) is None]
    if missing:
        raise MissingPackage(
            f"Kommandot behöver {', '.join(missing)}, som bara installeras för utveckling. "
            f"Installera det med: {INSTALL}"
        )
