"""A Markdown reply rendered for a terminal."""

from __future__ import annotations

from assistant.reply.terminal import to_terminal


def test_notices_headings_emphasis_and_escapes_become_plain_text() -> None:
    markdown = "*Sökte på: vad sa de*\n\n**Rapporten nämner inte Kiruna.**\n\n### Källor\n\n[1] rapport, s\\. 2 \\*"
    assert to_terminal(markdown) == (
        "Sökte på: vad sa de\n\nRapporten nämner inte Kiruna.\n\nKällor\n------\n\n[1] rapport, s. 2 *"
    )
