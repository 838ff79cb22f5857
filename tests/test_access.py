"""Readers and editors: accounts with argon2 hashes, and a launched chat that refuses a reader's raw HTTP calls
to change the documents (403), whatever the client sends, and asks for a login on ``/ask``."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import CORPUS, FakeEmbedder, run_cli

from assistant.devtools.gradio_http import RawSession
from assistant.engine import Engine
from assistant.errors import InputError
from assistant.interfaces.accounts import Access, Accounts, add_account

PLAN = "# Handlingsplan för jämställdhet i Testby\n\nKommunen tog fram en handlingsplan med mål för förskolan.\n"


def test_an_account_file_holds_hashes_and_roles_never_passwords(tmp_path: Path) -> None:
    path = tmp_path / "accounts"
    assert add_account(path, "anna", "editor", "hemligt-lösen") is True
    assert add_account(path, "bertil", "reader", "annat-lösen") is True
    assert add_account(path, "bertil", "editor", "nytt-lösen1") is False
    text = path.read_text(encoding="utf-8")
    assert "lösen" not in text and text.count("$argon2id$") == 2
    assert path.stat().st_mode & 0o077 == 0
    accounts = Accounts.read(path)
    assert accounts.verify("anna", "hemligt-lösen") and not accounts.verify("anna", "fel")
    assert accounts.verify("bertil", "nytt-lösen1") and not accounts.verify("okänd", "hemligt-lösen")
    assert accounts.names() == [("anna", "editor"), ("bertil", "editor")]


def test_a_malformed_account_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "accounts"
    path.write_text("# konton\nanna:admin:$argon2id$x\n", encoding="utf-8")
    with pytest.raises(InputError, match="rad 2"):
        Accounts.read(path)


def test_users_add_reads_the_password_from_stdin_never_argv(tmp_path: Path) -> None:
    path = tmp_path / "accounts"
    added = run_cli("users", "add", "anna", "--role", "editor", "--accounts", str(path), stdin="hemligt-lösen\n")
    assert added.returncode == 0, added.stderr
    assert "Lade till anna (redaktör)" in added.stdout
    assert Accounts.read(path).verify("anna", "hemligt-lösen")
    assert run_cli("users", "add", "bo", "--accounts", str(path), stdin="kort\n").returncode == 1
    assert json.loads(run_cli("users", "list", "--json", "--accounts", str(path)).stdout) == [
        {"name": "anna", "role": "editor"}
    ]


def test_the_network_without_accounts_is_refused_unless_anonymous_readers_are_allowed() -> None:
    with pytest.raises(InputError, match="--accounts"):
        Access.for_host("0.0.0.0", None, allow_anonymous=False)
    assert Access.for_host("0.0.0.0", None, allow_anonymous=True).role(None) == "reader"
    assert Access.for_host("127.0.0.1", None, allow_anonymous=False).role(None) == "editor"
    proxied = SimpleNamespace(username=None, headers={"x-forwarded-for": "192.0.2.7"})
    assert Access.for_host("127.0.0.1", None, allow_anonymous=False).role(proxied) == "reader"
    result = run_cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.returncode == 1 and "--allow-anonymous" in result.stderr
    assert run_cli("serve", "--auth", "anna:hemligt").returncode == 2  # the password-on-argv form is gone


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory, fake_embedder: FakeEmbedder) -> Iterator[tuple[str, Path, dict]]:
    """A chat with accounts (anna an editor, bertil a reader) over its own corpus: the report and a plan."""
    from assistant.interfaces.server import free_port, serve

    root = tmp_path_factory.mktemp("access")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus / "rapport.txt")
    (corpus / "plan.md").write_text(PLAN, encoding="utf-8")
    accounts = root / "accounts"
    add_account(accounts, "anna", "editor", "anna-lösen")
    add_account(accounts, "bertil", "reader", "bertil-lösen")
    port = free_port()
    app = serve(Engine(corpus, root / "index", fake_embedder), port=port, accounts=Accounts.read(accounts), block=False)
    events = {block.fn.__name__: index for index, block in app.fns.items() if block.fn is not None}
    yield f"http://127.0.0.1:{port}", corpus, events
    app.close()


@pytest.mark.slow
def test_ask_needs_a_login_and_takes_a_readers(chat: tuple[str, Path, dict]) -> None:
    url, _, _ = chat
    assert RawSession(url).ask("Vad gjorde Kalix?").status_code == 401
    reader = RawSession(url, ("bertil", "bertil-lösen"))
    started = reader.ask("Vad gjorde Kalix?")
    assert started.status_code == 200
    result = reader.http.get(f"/gradio_api/call/ask/{started.json()['event_id']}").text
    assert '"answered"' in result and "Kalix" in result
    assert reader.http.post("/login", data={"username": "bertil", "password": "fel"}).status_code == 400


@pytest.mark.slow
def test_a_readers_raw_calls_to_change_the_documents_are_refused_and_change_nothing(
    chat: tuple[str, Path, dict],
) -> None:
    url, corpus, events = chat
    before = sorted(p.name for p in corpus.iterdir() if p.is_file())
    reader = RawSession(url, ("bertil", "bertil-lösen"))
    for name, data in [("remove", ["plan.md"]), ("restore", ["plan.md"]), ("add", [None]), ("rebuild", [])]:
        status, _ = reader.run(events[name], data)
        assert status == 403, name
    upload = reader.http.post("/gradio_api/upload", files={"files": ("plan2.md", PLAN.encode())})
    assert upload.status_code == 403
    for route in ("run", "api", "call", "call/v2"):  # Gradio runs a private event by its name on these routes
        for name, data in [("remove", ["plan.md"]), ("rebuild", []), ("add", [None])]:
            assert reader.http.post(f"/gradio_api/{route}/{name}", json={"data": data}).status_code == 403, route
    assert RawSession(url).run(events["remove"], ["plan.md"])[0] in (401, 403)  # no login at all
    assert sorted(p.name for p in corpus.iterdir() if p.is_file()) == before
    assert not (corpus / ".trash").exists()


@pytest.mark.slow
def test_an_editors_raw_removal_runs_and_goes_to_the_trash(chat: tuple[str, Path, dict]) -> None:
    url, corpus, events = chat
    editor = RawSession(url, ("anna", "anna-lösen"))
    status, message = editor.run(events["remove"], ["plan.md"])
    assert status == 200 and message is not None and message["success"], message
    assert "Tog bort plan.md" in json.dumps(message, ensure_ascii=False)
    assert not (corpus / "plan.md").exists()
    assert [p.name.split("_", 1)[1] for p in (corpus / ".trash").iterdir()] == ["plan.md"]
    status, message = editor.run(events["restore"], ["plan.md"])
    assert status == 200 and (corpus / "plan.md").is_file(), message


@pytest.mark.slow
@pytest.mark.parametrize(("user", "editor"), [("bertil", False), ("anna", True)])
def test_a_reader_sees_the_documents_but_no_controls_to_change_them(
    chat: tuple[str, Path, dict], browser, user: str, editor: bool
) -> None:
    from playwright.sync_api import expect

    url, _, _ = chat
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url)
        page.get_by_label("username").fill(user)
        page.get_by_label("password").fill(f"{user}-lösen")
        page.get_by_role("button", name="Login").click()
        page.click("#documents", timeout=60_000)
        expect(page.locator("#documents-table")).to_contain_text("plan.md")
        page.get_by_text("Index", exact=True).click()
        expect(page.locator("#index-status")).to_contain_text("stycken")
        for control in ("#upload", "#remove-document", "#restore-document", "#rebuild"):
            if editor:
                expect(page.locator(control)).to_be_visible()
            else:
                expect(page.locator(control)).to_have_count(0)
    finally:
        context.close()


def test_the_log_holds_no_question_text_unless_the_coordinator_asks_for_it(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.interfaces.api import AskEndpoint

    class Refusing:
        def reload_if_changed(self) -> bool:
            return False

        def ask(self, question: str, **_: object) -> None:
            raise InputError("Frågan är för lång.")

    endpoint = AskEndpoint(Refusing())  # type: ignore[arg-type]  # only what /ask calls
    with caplog.at_level(logging.INFO):
        assert endpoint.ask("Hur mår Anna Andersson?")["error"] == "Frågan är för lång."
    assert "answering a question through the API failed" in caplog.text and "Anna" not in caplog.text
    monkeypatch.setenv("ASSISTANT_LOG_QUESTIONS", "1")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        endpoint.ask("Hur mår Anna Andersson?")
    assert "Anna Andersson" in caplog.text
