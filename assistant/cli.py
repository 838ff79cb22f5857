"""Command line: ``assistant corpus | index | ask | eval | bench | serve``.

User-facing text is Swedish; errors are printed as one clear line, never a
traceback, and the exit code says what happened (0 ok, 1 failure, 2 usage).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant import config
from assistant.corpus import Corpus, load_corpus
from assistant.passages import KIND_LABELS

log = logging.getLogger("assistant")


class UserError(Exception):
    """A problem the user can fix; its message is Swedish and shown as is."""


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _load_corpus_or_fail(directory: Path) -> Corpus:
    try:
        corpus = load_corpus(directory)
    except ValueError as error:
        raise UserError(str(error)) from error
    for problem in corpus.errors:
        print(f"Varning: {problem.name} hoppades över: {problem.message}", file=sys.stderr)
    if not corpus.passages:
        raise UserError(f"Korpusen i {directory} innehåller inga läsbara dokument.")
    return corpus


def cmd_corpus(args: argparse.Namespace) -> int:
    corpus = _load_corpus_or_fail(args.corpus)
    if args.json:
        _print_json([p.to_dict() for p in corpus.passages])
        return 0
    print(f"{len(corpus.passages)} stycken ur {len(corpus.documents)} dokument i {args.corpus}")
    for title, counts in (
        ("Typ", Counter(KIND_LABELS[p.kind] for p in corpus.passages)),
        ("Avsnitt", Counter(p.section or "(utan rubrik)" for p in corpus.passages)),
        ("Kommun (citat)", Counter(p.municipality for p in corpus.passages if p.municipality)),
        ("Roll (citat)", Counter(p.role for p in corpus.passages if p.role)),
        ("Tipskategori", Counter(p.category for p in corpus.passages if p.category)),
    ):
        print(f"\n{title}:")
        for name, count in counts.most_common():
            print(f"  {count:4d}  {name}")
    return 0


def _add_corpus_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus",
        type=Path,
        default=config.corpus_dir(),
        help="mapp med källdokument (.txt, .md); standard: %(default)s",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Svensk chattassistent över rapporten i corpus/: svarar med rapportens egna ord.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="skriv loggmeddelanden (engelska)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    corpus = commands.add_parser(
        "corpus", help="visa korpusens stycken", description="Tolkar korpusen och visar dess stycken."
    )
    _add_corpus_option(corpus)
    corpus.add_argument("--json", action="store_true", help="skriv alla stycken som en JSON-lista")
    corpus.set_defaults(handler=cmd_corpus)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UserError as error:
        print(f"Fel: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130
