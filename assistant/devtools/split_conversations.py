"""Split conversations into development, held-out and final sets so that no turn text stands on two sides.

Conversations that share a turn text ("Vad gjorde Jokkmokk?", "Och i Kalix?") are kept together: they
form a group (connected by shared texts), and a group goes to one side.  A group holding a conversation
already in the development file stays there, one already held out stays held out (unless it is joined to
a development one: a held-out conversation may move to development, never the other way), and the rest
go by a hash of their first text, so the split is reproducible and independent of file order.

    python -m assistant.devtools.split_conversations NEW.jsonl …   # rewrites the three conversation files

New development data joins development only, with ``--development NEW.jsonl …``: a conversation sharing a
turn text with a held-out or final conversation or question is left out; the other files do not change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from assistant.devtools.evaluate import DEFAULT_CONVERSATIONS, FINAL_CONVERSATIONS, HOLDOUT_CONVERSATIONS
from assistant.devtools.split import components, kept_apart

SIDES = ("dev", "holdout", "final")
SHARES = {"final": 0.25, "holdout": 0.25}
"""Shares of the new groups (by hash) set aside; the rest is development."""

Row = dict[str, Any]


def turn_key(text: str) -> str:
    """A turn text compared across sides: case, punctuation and spacing ignored."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _groups(rows: list[Row]) -> list[list[int]]:
    """Conversations connected by a shared turn text, as lists of row numbers."""
    owner: dict[str, int] = {}
    edges = []
    for number, row in enumerate(rows):
        for turn in row["conversation"]:
            key = turn_key(turn["question"])
            edges.append((number, owner.setdefault(key, number)))
    return components(len(rows), edges)


def _hashed_side(key: str) -> str:
    share = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    if share < SHARES["final"]:
        return "final"
    return "holdout" if share < SHARES["final"] + SHARES["holdout"] else "dev"


def split(rows: list[Row], pinned: list[str | None]) -> dict[str, list[Row]]:
    """Each side's conversations; ``pinned[i]`` is the side row ``i`` already stands on (None for a new one)."""
    sides: dict[str, list[Row]] = {side: [] for side in SIDES}
    for group in _groups(rows):
        held = {pinned[i] for i in group} - {None}
        if held:
            side = "dev" if "dev" in held else "holdout"
        else:
            side = _hashed_side(min(turn_key(rows[i]["conversation"][0]["question"]) for i in group))
        sides[side] += [rows[i] for i in sorted(group)]
    return sides


def _read(path: Path) -> list[Row]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(new_files: list[str]) -> None:
    """Merge ``new_files`` into the conversation files and rewrite all three."""
    targets = {"dev": DEFAULT_CONVERSATIONS, "holdout": HOLDOUT_CONVERSATIONS, "final": FINAL_CONVERSATIONS}
    rows: list[Row] = []
    pinned: list[str | None] = []
    for side, path in targets.items():
        found = _read(path)
        rows += found
        pinned += [side if side != "final" else "final-kept"] * len(found)
    seen = {json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows}
    for name in new_files:
        for row in _read(Path(name)):
            if json.dumps(row, sort_keys=True, ensure_ascii=False) not in seen:
                rows.append(row)
                pinned.append(None)
    sides = split(rows, [None if p == "final-kept" else p for p in pinned])
    for side, path in targets.items():
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sides[side]), encoding="utf-8")
        print(f"{side}: {len(sides[side])} conversations → {path}")


def add_development(new_files: list[str]) -> tuple[int, int]:
    """Append the new conversations that share no turn text with held-out or final data and are not in
    development already; (added, left out)."""
    apart = {turn_key(row["question"]) for row in kept_apart()}
    development = _read(DEFAULT_CONVERSATIONS)
    known = {json.dumps(row, sort_keys=True, ensure_ascii=False) for row in development}
    new = [row for name in new_files for row in _read(Path(name))]
    kept = [
        row
        for row in new
        if not any(turn_key(t["question"]) in apart for t in row["conversation"])
        and json.dumps(row, sort_keys=True, ensure_ascii=False) not in known
    ]
    rows = development + kept
    DEFAULT_CONVERSATIONS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(kept), len(new) - len(kept)


def cli() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.devtools.split_conversations",
        description="Merge new conversations into the development, held-out and final conversation files (a group "
        "of conversations sharing a turn text goes to one side; new groups by a hash of their first turn) and "
        "rewrite all three.  With --development, append them to development only, leaving out those sharing a "
        "turn text with held-out or final data.",
    )
    parser.add_argument("files", nargs="+", metavar="NEW.jsonl", help="conversation files to add")
    parser.add_argument("--development", action="store_true", help="add to development only")
    args = parser.parse_args()
    if args.development:
        added, left_out = add_development(args.files)
        print(f"added {added} development conversations; left out {left_out} (held out, final or known)")
    else:
        main(args.files)


if __name__ == "__main__":
    cli()
