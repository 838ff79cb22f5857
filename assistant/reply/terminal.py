"""Render a Markdown reply as plain text for a terminal."""

from __future__ import annotations

import re


def to_terminal(markdown: str) -> str:
    """Markdown reply → plain terminal text (headings underlined, escapes removed)."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith("### "):
            title = line[4:]
            lines.extend([title, "-" * len(title)])
        else:
            lines.append(line.rstrip().replace("**", ""))
    return re.sub(r"\\(.)", r"\1", "\n".join(lines))
