"""What the user's commands do: ``corpus``, ``index``, ``ask`` and ``serve`` (the parser is ``parser.py``).

Each handler takes the parsed arguments and returns the exit code (0 ok, 1
failure); ``cli.run`` turns what they raise into one Swedish line.  The helpers
for output and loading the engine are shared with the developer commands.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from assistant.documents.corpus import Corpus, ParsedDocuments, load_corpus
from assistant.documents.formats import FORMAT_LABELS
from assistant.documents.library import BUNDLED_REPORT_FILE, trash_dir, trash_entries
from assistant.documents.passages import KIND_LABELS
from assistant.engine import Engine
from assistant.errors import CorpusError, InputError, user_message
from assistant.interfaces.accounts import ROLE_LABELS, Access, Accounts, add_account
from assistant.interfaces.presentation import build_figures, passages_text, sentences_text
from assistant.reply.render import to_plain
from assistant.search.build import BuildReport, build_index, complete_sentences
from assistant.search.conversation import Conversation
from assistant.search.corpus_changes import (
    CorpusChange,
    add_documents,
    empty_the_trash,
    recover,
    remove_documents,
    restore_document,
)
from assistant.search.embeddings import Embedder
from assistant.search.encoder import load_in_background
from assistant.search.index import current_build, footprint, read_manifest
from assistant.search.learned import Learned
from assistant.search.retrieve import Filters


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def say(message: str) -> None:
    """A status line on stderr: what a long step (conversion, index build) is doing."""
    print(message, file=sys.stderr, flush=True)


def load_engine(args: argparse.Namespace, learned: Learned | None = None) -> Engine:
    """Load the model and the index, building the index first when it is missing or stale."""
    embedder = Embedder(args.model, say=say)
    engine = Engine(args.corpus, args.index, embedder, progress=sys.stderr.isatty(), say=say, learned=learned)
    if engine.build_reason:
        print(f"Byggde indexet eftersom {engine.build_reason}.", file=sys.stderr)
    return engine


def _load_corpus_or_fail(directory: Path) -> Corpus:
    corpus = load_corpus(directory)
    for problem in corpus.errors:
        print(f"Varning: {problem.name} hoppades över: {problem.message}", file=sys.stderr)
    if not corpus.passages:
        raise CorpusError(f"Korpusen i {directory} innehåller inga läsbara dokument.")
    return corpus


def corpus_summary(args: argparse.Namespace) -> int:
    corpus = _load_corpus_or_fail(args.corpus)
    if args.json:
        print_json([p.to_dict() for p in corpus.passages])
        return 0
    print(f"{passages_text(len(corpus.passages))} ur {len(corpus.documents)} dokument i {args.corpus}")
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


def _recover(args: argparse.Namespace) -> None:
    """Finish or undo a change to the corpus that a killed process left, before anything reads the corpus."""
    done = recover(args.corpus, args.index)
    if done:
        say(f"Obs! En avbruten ändring av korpusen togs om hand ({done}).")


def index_rebuild(args: argparse.Namespace) -> int:
    _recover(args)
    embedder = Embedder(args.model, say=say)
    report = build_index(args.corpus, args.index, embedder, progress=not args.json and sys.stderr.isatty(), say=say)
    if args.json:
        print_json(_build_json(report))
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
    print(f"Indexet byggt ur {len(report.documents)} dokument: {build_figures(report)}; {report.path}.")
    for name in report.skipped:
        print(f"Varning: {name} kunde inte läsas och hoppades över.", file=sys.stderr)


def corpus_list(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.corpus)
    if args.json:
        print_json(
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
    for summary in corpus.summaries:
        for note in summary.notes:
            print(f"Obs! {summary.name}: {note}.", file=sys.stderr)
    for problem in corpus.errors:
        print(f"Hoppades över: {problem.name}: {problem.message}", file=sys.stderr)
    return 0


def corpus_add(args: argparse.Namespace) -> int:
    _recover(args)
    """Add the files; the index is switched as soon as their passages are embedded (a running chat answers
    from it), then their sentences are embedded before the command returns."""
    known, embedder = ParsedDocuments(), Embedder(args.model)
    load_in_background(embedder)
    change = add_documents(args.corpus, args.files, lambda: _build(args, embedder, known, True), None, known)
    for failure in change.failures:
        print(f"Fel: {failure}", file=sys.stderr)
    for asked, stored in change.renamed:
        print(f"Obs! {asked} sparades som {stored}: namnet var upptaget.")
    for summary in change.added:
        print(
            f"Lade till {summary.name}: ”{summary.title}” ({FORMAT_LABELS[summary.format]}, "
            f"{passages_text(summary.passages)}, {summary.kinds.get('quote', 0)} citat, "
            f"{summary.kinds.get('tip', 0)} tips)."
        )
        for note in summary.notes:
            print(f"Obs! {summary.name}: {note}.", file=sys.stderr)
    _print_change_build(change)
    if change.build and change.build.pending:
        print(
            f"Sökbart nu. Beräknar vektorer för {sentences_text(change.build.pending)} (svaren använder under tiden "
            "styckenas vektorer) …",
            file=sys.stderr,
            flush=True,
        )
        completed = complete_sentences(args.index, embedder, progress=sys.stderr.isatty())
        if completed:
            seconds = f"{completed.seconds:.1f}".replace(".", ",")
            print(f"Meningarnas vektorer klara på {seconds} s; indexet är komplett.")
    return 1 if change.failures or change.build_error else 0


def corpus_remove(args: argparse.Namespace) -> int:
    _recover(args)
    manifest = read_manifest(args.index)
    titles = {s.name: s.title for s in manifest.corpus.summaries} if manifest else {}
    change = remove_documents(args.corpus, args.name, lambda: _build(args, Embedder(args.model)), titles)
    for path in change.removed:
        print(
            f"Tog bort {path.name} ur {args.corpus}; den ligger i papperskorgen (assistant corpus restore {path.name})."
        )
    if change.empty:
        print("Korpusen är tom nu; indexet byggs om när ett dokument har lagts till.", file=sys.stderr)
    _print_change_build(change)
    return 1 if change.build_error else 0


def corpus_restore(args: argparse.Namespace) -> int:
    _recover(args)
    change = restore_document(args.corpus, args.name, lambda: _build(args, Embedder(args.model)))
    for path in change.restored:
        print(f"Återställde {path.name} ur papperskorgen.")
    for asked, stored in change.renamed:
        print(f"Obs! {asked} sparades som {stored}: namnet var upptaget.")
    _print_change_build(change)
    return 1 if change.build_error else 0


def corpus_trash(args: argparse.Namespace) -> int:
    entries = trash_entries(args.corpus)
    if args.json:
        print_json([{"name": e.name, "removed_at": e.removed_at.isoformat(), "path": str(e.path)} for e in entries])
        return 0
    if not entries:
        print(f"Papperskorgen ({trash_dir(args.corpus)}) är tom.")
    for entry in entries:
        print(f"{entry.removed_at:%Y-%m-%d %H:%M} UTC  {entry.name}")
    return 0


def corpus_empty_trash(args: argparse.Namespace) -> int:
    deleted = empty_the_trash(args.corpus)
    for entry in deleted:
        print(f"Raderade {entry.name} (borttagen {entry.removed_at:%Y-%m-%d %H:%M} UTC) för gott.")
    if not deleted:
        print("Papperskorgen hade inget att radera.")
    if trash_entries(args.corpus):
        print(f"{BUNDLED_REPORT_FILE} ligger kvar: rapporten som följer med programmet kan alltid återställas.")
    return 0


def _build(
    args: argparse.Namespace, embedder: Embedder, known: ParsedDocuments | None = None, sentences_later: bool = False
) -> BuildReport:
    return build_index(
        args.corpus,
        args.index,
        embedder,
        progress=sys.stderr.isatty(),
        known=known,
        sentences_later=sentences_later,
    )


def _print_change_build(change: CorpusChange) -> None:
    """The rebuild after adding or removing documents (the same change the chat's documents panel reports)."""
    if change.build:
        _print_build(change.build)
    if change.build_error:
        print(f"Fel: omindexeringen misslyckades: {change.build_error}", file=sys.stderr)


def index_status(args: argparse.Namespace) -> int:
    manifest = read_manifest(args.index)
    build = current_build(args.index)
    size = footprint(build) if manifest and build else None
    if args.json:
        print_json(manifest.to_dict() | {"footprint": asdict(size)} if manifest and size else None)
        return 0 if manifest else 1
    if manifest is None or size is None:
        print(f"Det finns inget index i {args.index}. Bygg det med: assistant index rebuild")
        return 1
    print(f"Index i {args.index}: {passages_text(manifest.passages)}, byggt {manifest.built_at}")
    print(f"  modell: {manifest.model.name} (dimension {manifest.model.dimension})")
    print(f"  korpus: {', '.join(manifest.corpus.documents)} (sha256 {manifest.corpus.sha256[:12]}…)")
    if manifest.pending_sentences:
        print(
            f"  meningar: {sentences_text(manifest.pending_sentences)} väntar på sina vektorer "
            "(de beräknas i bakgrunden; svaren använder styckenas vektorer under tiden)"
        )
    print(f"  vektorindex: {manifest.dense} ({'exakt' if manifest.dense == 'flat' else 'approximativt, IVF med int8'})")
    print(f"  storlek på disk: {_megabytes(size.disk_bytes)}")
    print(
        f"  minne: cirka {_megabytes(size.memory_bytes)} i minnet, "
        f"{_megabytes(size.mapped_bytes)} vektorer på disk (frågornas rader läses vid behov, via sidcachen)"
    )
    return 0


def _megabytes(count: int) -> str:
    return f"{count / 1e6:,.1f} MB".replace(",", " ").replace(".", ",")


def ask(args: argparse.Namespace) -> int:
    engine = load_engine(args)
    filters = Filters(municipality=args.municipality, role=args.role, kind=args.kind, document=args.document)
    if args.question == "-":
        return _ask_lines(engine, filters, args)
    reply = engine.ask(args.question, top_k=args.top_k, filters=filters)
    if args.json:
        print_json(reply.to_dict())
    else:
        print(to_plain(reply.answer.reply))
    return 0


def _ask_lines(engine: Engine, filters: Filters, args: argparse.Namespace) -> int:
    """One question per stdin line; one JSON object (or reply) per question.

    With ``--conversation`` each question is read in the conversation so far (the state each reply returns),
    and a blank line starts a new conversation; without it every line stands alone.
    """
    failures = 0
    talk: Conversation | None = None
    for line in sys.stdin:
        if not line.strip():
            talk = None
            continue
        try:
            reply = engine.ask(line, top_k=args.top_k, filters=filters, conversation=talk)
        except Exception as error:
            failures += 1
            message = user_message(error, f"answering {line.strip()[:200]!r}")
            if args.json:
                print(json.dumps({"question": line.strip()[:200], "error": message}, ensure_ascii=False))
            else:
                print(f"Fel: {message}", file=sys.stderr)
            continue
        if args.conversation:
            talk = reply.conversation
        if args.json:
            print(json.dumps(reply.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"# {reply.answer.question}\n\n{to_plain(reply.answer.reply)}\n", flush=True)
    return 1 if failures else 0


def serve(args: argparse.Namespace) -> int:
    from assistant.interfaces import server  # Gradio loads only for the chat: ``ask`` starts fast

    accounts = Accounts.read(args.accounts) if args.accounts else None
    Access.for_host(args.host, accounts, args.allow_anonymous)  # refused before the index is loaded
    engine = load_engine(args)
    engine.complete_sentences_in_background()  # an upload whose ``corpus add`` was stopped before it finished
    server.serve(engine, args.host, args.port, accounts, args.allow_anonymous)
    return 0


def users_add(args: argparse.Namespace) -> int:
    """Add a user (or set one's role and password); the password from a prompt, or standard input's first line."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"Lösenord för {args.name}: ")
        if getpass.getpass("Samma lösenord igen: ") != password:
            raise InputError("Lösenorden var olika; inget ändrades.")
    else:
        password = sys.stdin.readline().rstrip("\n")
    new = add_account(args.accounts, args.name, args.role, password)
    verb = "Lade till" if new else "Uppdaterade"
    print(f"{verb} {args.name} ({ROLE_LABELS[args.role]}) i {args.accounts}.")
    return 0


def users_list(args: argparse.Namespace) -> int:
    accounts = Accounts.read(args.accounts)
    if args.json:
        print_json([{"name": name, "role": role} for name, role in accounts.names()])
        return 0
    for name, role in accounts.names():
        print(f"{name}  {ROLE_LABELS[role]}")
    return 0
