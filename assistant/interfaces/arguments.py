"""argparse in Swedish: headings, help flag, usage errors, and value checks that need no model.

argparse builds its messages from English templates; :meth:`SwedishArgumentParser.error`
translates every message a user can provoke (unknown flags, invalid choices,
missing arguments, missing values, bad numbers) before printing it.  The value
types below reject a bad ``--top-k`` or ``--kind`` while parsing, before any
model or index is loaded.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from assistant.documents.names import name_key
from assistant.documents.passages import KIND_LABELS, Kind

TYPE_NAMES = {"int": "heltal", "float": "tal", "Path": "sökväg"}
TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), swedish)
    for pattern, swedish in (
        (r"^unrecognized arguments: (.*)$", r"okända argument: \1"),
        (r"^the following arguments are required: (.*)$", r"följande argument saknas: \1"),
        (r"^invalid choice: (.*) \(choose from (.*)\)$", r"ogiltigt val: \1 (välj bland \2)"),
        (r"^expected one argument$", "ett värde behövs"),
        (r"^expected at most one argument$", "högst ett värde är tillåtet"),
        (r"^expected at least one argument$", "minst ett värde behövs"),
        (r"^expected (\d+) arguments?$", r"\1 värden behövs"),
        (r"^ambiguous option: (.*) could match (.*)$", r"flaggan \1 är tvetydig; den kan vara \2"),
        (r"^not allowed with argument (.*)$", r"går inte att kombinera med \1"),
        (r"^ignored explicit argument (.*)$", r"flaggan tar inget värde (fick \1)"),
        (r"^one of the arguments (.*) is required$", r"ett av argumenten \1 behövs"),
    )
)
ARGUMENT_PREFIX = re.compile(r"^argument (?P<name>[^:]+): (?P<message>.*)$", re.S)
INVALID_VALUE = re.compile(r"^invalid (?P<type>\w+) value: (?P<value>.*)$")


def translate(message: str) -> str:
    """argparse's English error message in Swedish (unknown messages are left as they are)."""
    prefixed = ARGUMENT_PREFIX.match(message)
    if prefixed:
        return f"argument {prefixed['name']}: {translate(prefixed['message'])}"
    invalid = INVALID_VALUE.match(message)
    if invalid:
        return f"ogiltigt {TYPE_NAMES.get(invalid['type'], invalid['type'])}: {invalid['value']}"
    for pattern, swedish in TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(swedish, message)
    return message


class SwedishHelpFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, prefix="användning: " if prefix is None else prefix)


class SwedishArgumentParser(argparse.ArgumentParser):
    """argparse with Swedish headings, help flag and error messages (subcommands inherit it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", SwedishHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        self.add_argument("-h", "--help", action="help", help="visa den här hjälpen och avsluta")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Fel: {translate(message)}\nSe {self.prog} --help.\n")


def int_between(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` (to ``high``), else a Swedish usage error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} är inget heltal") from None
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} ligger utanför {low}–{high}")
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} är mindre än {low}")
        return value

    return parse


KIND_CHOICES = {name_key(label): kind for kind, label in KIND_LABELS.items()} | {kind: kind for kind in KIND_LABELS}
"""Accepted ``--kind`` values: the Swedish labels (any case, å/ä/ö optional) and the kinds' own names."""


def passage_kind(text: str) -> Kind:
    """An argparse type: ``citat``, ``tips``, ``stycke`` or ``fotnot`` (as in the JSON: quote, tip …)."""
    kind = KIND_CHOICES.get(name_key(text))
    if kind is None:
        raise argparse.ArgumentTypeError(f"okänd typ {text!r} (välj bland {', '.join(KIND_LABELS.values())})")
    return kind
