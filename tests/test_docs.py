"""The docs keep up with the code: every command, flag and setting is documented; the README stays short."""

from __future__ import annotations

import argparse
import re

from conftest import REPO

from assistant.__main__ import build_parser

DOCS = REPO / "docs"
PACKAGE = REPO / "assistant"


def documented() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in [REPO / "README.md", *sorted(DOCS.glob("*.md"))])


def parsers(parser: argparse.ArgumentParser, prefix: str = "assistant") -> list[tuple[str, argparse.ArgumentParser]]:
    """The parser and every subcommand's parser, with the command that reaches it."""
    found = [(prefix, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += parsers(sub, f"{prefix} {name}")
    return found


def test_every_command_and_flag_appears_in_the_docs() -> None:
    text = documented()
    missing = []
    for command, parser in parsers(build_parser()):
        if f"`{command}" not in text:
            missing.append(command)
        for action in parser._actions:
            missing += [
                f"{command} {flag}" for flag in action.option_strings if flag.startswith("--") and flag not in text
            ]
    assert missing == []


def test_every_environment_setting_appears_in_the_docs() -> None:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        names |= set(re.findall(r"\b(ASSISTANT_[A-Z_]+)\b", path.read_text(encoding="utf-8")))
    assert len(names) >= 5
    text = documented()
    assert sorted(name for name in names if name not in text) == []


def test_the_readme_is_short_and_its_links_resolve() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for target in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", readme):
        assert (REPO / target).is_file(), target
