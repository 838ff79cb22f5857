"""Render a Markdown reply as plain text for a terminal."""

from __future__ import annotations

import re

ITALIC_LINE = re.compile(r"^\*[^*].*[^*\\]\*$")
"""A whole line in *italics* (the reply's notices: "Sökte på: …")."""


def to_terminal(markdown: str) -> str:
    """Markdown reply → plain terminal text (headings underlined, emphasis and escapes removed)."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith("### "):
            title = line[4:]
            lines.extend([title, "-" * len(title)])
        else:
            plain = line.rstrip().replace("**", "")
            lines.append(plain[1:-1] if ITALIC_LINE.match(plain) else plain)
    return re.sub(r"\\(.)", r"\1", "\n".join(lines))
