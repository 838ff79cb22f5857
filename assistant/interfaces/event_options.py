"""Options shared by the chat page's Gradio events, declared once for every module that wires events."""

from __future__ import annotations

from typing import Any

PRIVATE: dict[str, Any] = {"api_visibility": "private"}
"""The page's own events are not API endpoints; only ``/ask`` is."""
QUIET: dict[str, Any] = {**PRIVATE, "show_progress": "hidden"}
"""An event whose work the page shows itself (or that is too quick to show): no Gradio overlay on its outputs,
which lies over the other components and speaks English ("processing | 9.2s", "queue: 1/1")."""
