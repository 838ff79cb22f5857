"""The developer commands ``eval``, ``tune``, ``bench`` and ``loadtest``: their options and what they run.

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
from assistant.devtools.evaluate import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_QUESTIONS,
    FINAL_CONVERSATIONS,
    HOLDOUT_CONVERSATIONS,
    HOLDOUT_QUESTIONS,
    evaluate,
    load_conversations,
    load_questions,
)
from assistant.devtools.settings import apply_settings
from assistant.documents.corpus import load_corpus
from assistant.engine import neutral_values
from assistant.errors import InputError
from assistant.interfaces.arguments import int_between
from assistant.interfaces.commands import load_engine, print_json, say
from assistant.interfaces.parser import Commands, add_engine_options, add_json_option
from assistant.search.embeddings import Embedder
from assistant.search.learned import LEARNED_DIR


def run_eval(args: argparse.Namespace) -> int:
    engine = load_engine(args)
    engine.use(settings=apply_settings(engine.settings, args.set or []))
    passages = engine.retriever.index.passages
    if args.questions is None:
        sets = [
            ("utvecklingsfrågor", DEFAULT_QUESTIONS, DEFAULT_CONVERSATIONS),
            ("undanhållna frågor", HOLDOUT_QUESTIONS, HOLDOUT_CONVERSATIONS),
        ]
    else:
        sets = [("frågor", args.questions, args.conversations)]
    results = []
    for name, questions, conversations in sets:
        talk = load_conversations(conversations, passages) if conversations else None
        result = evaluate(engine, load_questions(questions, passages), talk)
        results.append({"set": name, "questions": str(questions)} | asdict(result))
        if not args.json:
            reports.print_evaluation(result, name, questions)
    if args.json:
        print_json({"sets": results})
    return 0


def run_tune(args: argparse.Namespace) -> int:
    from assistant.devtools.tune import tune

    held_out = {HOLDOUT_QUESTIONS.resolve(), HOLDOUT_CONVERSATIONS.resolve(), FINAL_CONVERSATIONS.resolve()}
    if {args.questions.resolve(), args.conversations.resolve()} & held_out:
        raise InputError("De undanhållna frågorna mäter det inlärda och får aldrig läras av; välj en annan fil.")
    engine = load_engine(args, learned=neutral_values())
    learned = tune(engine, args.questions, args.conversations, args.output)
    if args.json:
        print_json(learned.report)
    else:
        reports.print_tuning(learned.report, args.output)
    return 0


def run_bench(args: argparse.Namespace) -> int:
    if args.startup:
        return _bench_startup(args)
    embedder = Embedder(args.model, say=say)
    if args.documents is not None:
        return _bench_documents(args, embedder)
    passages = load_corpus(args.corpus).passages
    questions = [q.text for q in load_questions(args.questions, passages)]
    from assistant.devtools.bench import run_benchmark

    result = run_benchmark(args.corpus, args.model, embedder, questions, args.rounds, args.passages, say=say)
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

    result = run_documents_benchmark(args.corpus, args.questions, embedder, files=args.documents)
    if args.json:
        print_json(
            {
                "reading": [asdict(r) | {"ms_per_page": r.ms_per_page} for r in result.reading],
                "rebuilds": [asdict(r) for r in result.rebuilds],
                "additions": [asdict(a) | {"ms_per_page": a.ms_per_page} for a in result.additions],
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
        help="JSON Lines-fil med frågor och facit; utan den mäts både utvecklingsfrågorna och de undanhållna "
        "frågorna, var för sig och med sina samtal",
    )
    evaluation.add_argument(
        "--conversations",
        type=Path,
        metavar="SAMTAL",
        help="JSON Lines-fil med samtal (en lista med frågor per rad) att mäta tillsammans med FRÅGOR",
    )
    evaluation.add_argument(
        "--set",
        action="append",
        metavar="NAMN=VÄRDE",
        help="ändra en inställning för svaren under mätningen, t.ex. --set relevant=0.001 (kan upprepas; "
        "namnen finns i docs/evaluation.md)",
    )
    add_engine_options(evaluation)
    add_json_option(evaluation, "skriv måtten som JSON")
    evaluation.set_defaults(handler=run_eval)

    tuning = subcommands.add_parser(
        "tune",
        help="lär om rankning, inledning och besvara-beslut",
        description="Anpassar frågevektorerna (adapter), rankningen, valet av inledande meningar och beslutet "
        "att svara till utvecklingsfrågorna och samtalen, skriver korsvaliderade mått och sparar vikterna. "
        "De undanhållna frågorna läses aldrig.",
    )
    _add_questions_option(tuning)
    tuning.add_argument(
        "--conversations",
        type=Path,
        default=DEFAULT_CONVERSATIONS,
        metavar="SAMTAL",
        help="samtal att lära av; standard: %(default)s",
    )
    tuning.add_argument(
        "--output",
        type=Path,
        default=LEARNED_DIR,
        metavar="MAPP",
        help="var vikterna sparas; standard: %(default)s (paketets egna)",
    )
    add_engine_options(tuning)
    add_json_option(tuning, "skriv de korsvaliderade måtten som JSON")
    tuning.set_defaults(handler=run_tune)

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
        nargs="*",
        type=Path,
        metavar="FIL",
        default=None,
        help="mät i stället dokumentläsning (ms per sida för PDF, Word, webbsida) och indexbygge "
        "med vektorcachen (hela korpusen, oförändrad, ett dokument tillagt); med filer också läsning per sida "
        "och hela tillägget av varje fil",
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
