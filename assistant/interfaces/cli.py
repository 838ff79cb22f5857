"""Running a parsed command: logging, the handler, and what it raises turned into one line and an exit code.

User-facing text is Swedish; errors are printed as one clear line, never a
traceback, and the exit code says what happened (0 ok, 1 failure, 2 usage,
130 interrupted).  The parser is ``parser.py``, the handlers ``commands.py``;
``assistant.__main__`` puts them together with the developer commands.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from assistant.errors import INTERNAL_ERROR, user_message

log = logging.getLogger("assistant")


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (usage mistakes exit with 2 before anything loads) and run the command's handler."""
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except OSError as error:  # a file named on the command line: the system's own words and the file
        log.info("Command failed: %r", error)
        print(f"Fel: {error.strerror or error} ({error.filename or ''}).", file=sys.stderr)
        return 1
    except Exception as error:
        message = user_message(error, f"running assistant {args.command}")
        print(message if message == INTERNAL_ERROR else f"Fel: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130
