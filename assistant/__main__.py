"""The ``assistant`` command (and ``python -m assistant``): the user's commands and the developer's, run.

The user's commands come from ``interfaces/``, the developer's (eval, bench,
loadtest) from ``devtools/``, which may import the interfaces (the load test
launches the chat); this module is the one place that knows both, so every
other import points one way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assistant.devtools.commands import add_developer_commands
from assistant.interfaces import parser
from assistant.interfaces.cli import run


def build_parser() -> argparse.ArgumentParser:
    return parser.build_parser(add_developer_commands)


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
