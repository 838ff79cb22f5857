"""The developer commands ``eval``, ``bench`` and ``loadtest``: their options and what they run.

They add themselves to the ``assistant`` parser (``add_developer_commands``,
called by ``assistant.__main__``), reuse the interfaces' option helpers and
engine loading, and print through ``reports.py``.  The measuring modules load
only when their command runs.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from assistant.devtools import reports
from assistant.devtools.evaluate import DEFAULT_QUESTIONS, evaluate, load_questions
from assistant.documents.corpus import load_corpus
from assistant.interfaces.arguments import int_between
from assistant.interfaces.commands import load_engine, print_json, say
from assistant.interfaces.parser import Commands, add_engine_options, add_json_option
from assistant.search.embeddings import Embedder


def run_eval(args: argparse.Namespace) -> int:
    engine = load_engine(args)
    questions = load_questions(args.questions, engine.retriever.index.passages)
    result = evaluate(engine, questions)
    if args.json:
        print_json({"questions": str(args.questions)} | asdict(result))
    else:
        reports.print_evaluation(result, args.questions)
    return 0


def run_bench(args: argparse.Namespace) -> int:
    if args.startup:
        return _bench_startup(args)
    embedder = Embedder(args.model, say=say)
    if args.documents:
        return _bench_documents(args, embedder)
    passages = load_corpus(args.corpus).passages
    questions = [q.text for q in load_questions(args.questions, passages)]
    from assistant.devtools.bench import run_benchmark

    result = run_benchmark(args.corpus, embedder, questions, args.rounds, args.passages, say=say)
    if args.json:
        print_json({k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(result).items()})
    else:
        reports.print_benchmark(result, embedder.info.name)
    return 0


def _bench_startup(args: argparse.Namespace) -> int:
    from assistant.devtools.startup import run_startup_benchmark

    result = run_startup_benchmark(args.corpus, args.index, args.model, args.rounds)
    if args.json:
        print_json(asdict(result) | {"ask_median": result.ask_median, "serve_median": result.serve_median})
    else:
        reports.print_startup(result)
    return 0


def _bench_documents(args: argparse.Namespace, embedder: Embedder) -> int:
    from assistant.devtools.documents_bench import run_documents_benchmark

    result = run_documents_benchmark(args.corpus, args.questions, embedder)
    if args.json:
        print_json(
            {
                "reading": [asdict(r) | {"ms_per_page": r.ms_per_page} for r in result.reading],
                "rebuilds": [asdict(r) for r in result.rebuilds],
            }
        )
    else:
        reports.print_documents_benchmark(result)
    return 0


def run_loadtest(args: argparse.Namespace) -> int:
    from assistant.devtools.loadtest import load_test_chat

    engine = load_engine(args)
    questions = [q.text for q in load_questions(args.questions, engine.retriever.index.passages)]
    result = load_test_chat(engine, questions, args.sessions, args.per_session)
    if args.json:
        print_json(asdict(result) | {"sessions": args.sessions})
    else:
        reports.print_load_test(result, args.sessions)
    return 0 if result.failures == 0 else 1


def _add_questions_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="frågefil; standard: %(default)s")


def add_developer_commands(subcommands: Commands) -> None:
    """``eval``, ``bench`` and ``loadtest``, with their options and handlers."""
    evaluation = subcommands.add_parser(
        "eval",
        help="mät sökkvaliteten",
        description="Visar hit@1, hit@3, hit@5 och MRR@10 för tät sökning, BM25 "
        "och den sammanvägda sökningen på en frågefil med facit.",
    )
    evaluation.add_argument(
        "questions",
        metavar="FRÅGOR",
        nargs="?",
        type=Path,
        default=DEFAULT_QUESTIONS,
        help="JSON Lines-fil med frågor och facit; standard: %(default)s",
    )
    add_engine_options(evaluation)
    add_json_option(evaluation, "skriv måtten som JSON")
    evaluation.set_defaults(handler=run_eval)

    bench = subcommands.add_parser(
        "bench",
        help="mät hastighet och minne",
        description="Bygger ett index i en tillfällig mapp och mäter svarstider "
        "(p50, p95), indexbygge och högsta minnesanvändning.",
    )
    _add_questions_option(bench)
    bench.add_argument(
        "--rounds",
        type=int_between(1),
        default=3,
        help="varv genom frågefilen (med --startup: starter av varje kommando); standard: 3",
    )
    bench.add_argument(
        "--passages",
        type=int_between(1),
        metavar="ANTAL",
        help="mät i stället en syntetisk korpus med så många stycken (rapportens meningar i nya kombinationer)",
    )
    bench.add_argument(
        "--documents",
        action="store_true",
        help="mät i stället dokumentläsning (ms per sida för PDF, Word, webbsida) och indexbygge "
        "med vektorcachen (hela korpusen, oförändrad, ett dokument tillagt)",
    )
    bench.add_argument(
        "--startup",
        action="store_true",
        help="mät i stället starttiden: assistant ask från start till svar och assistant serve från start "
        "till första svaret, i nya processer mot det byggda indexet",
    )
    add_engine_options(bench)
    add_json_option(bench, "skriv mätvärdena som JSON")
    bench.set_defaults(handler=run_bench)

    load = subcommands.add_parser(
        "loadtest",
        help="lasttesta chatten",
        description="Startar chatten på en ledig port på 127.0.0.1 och låter många "
        "samtidiga gradio_client-sessioner fråga; mäter svarstider och "
        "kontrollerar att varje svar blir detsamma som vid en fråga i taget.",
    )
    load.add_argument("--sessions", type=int_between(1), default=32, help="samtidiga sessioner; standard: %(default)s")
    load.add_argument("--per-session", type=int_between(1), default=4, help="frågor per session; standard: %(default)s")
    _add_questions_option(load)
    add_engine_options(load)
    add_json_option(load, "skriv mätvärdena som JSON")
    load.set_defaults(handler=run_loadtest)
