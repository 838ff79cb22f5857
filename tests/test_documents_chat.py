"""The chat's document panel in a real browser: upload a PDF, filter by it, see its page, remove it (confirmed)
and undo the removal."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from playwright.sync_api import Browser, Page, expect

from assistant.devtools.typeset import REPORT_TITLE

REPORT = Path(__file__).resolve().parent.parent / "corpus" / "rapport.txt"


@pytest.fixture(scope="module")
def documents_server(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[tuple[str, Path]]:
    """A chat over its own corpus (a copy of the report), so uploads never touch the repository."""
    from assistant.engine import Engine
    from assistant.interfaces.server import free_port, serve

    root = tmp_path_factory.mktemp("documents-chat")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / "rapport.txt")
    port = free_port()
    app = serve(Engine(corpus, root / "index", embedder), port=port, block=False)
    yield f"http://127.0.0.1:{port}/", corpus
    app.close()


@pytest.fixture(scope="module")
def page(documents_server: tuple[str, Path], browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(documents_server[0])
    yield page
    context.close()


def choose(page: Page, dropdown: str, option: str) -> None:
    page.click(f"{dropdown} input")
    page.get_by_role("option", name=option).first.click()


WATCH = """() => {
  window.flagged = []; window.statuses = [];
  window.watching = setInterval(() => {
    const shown = document.body.innerText;  // what is visible: Gradio's hidden trackers do not count
    const wrong = shown.match(/processing \\||queue: ?\\d|In queue|\\/tmp\\/|\\d+\\.\\d%|vektor|cache/i);
    if (wrong) window.flagged.push(wrong[0]);
    const status = document.querySelector("#documents-status")?.innerText.trim();
    if (status && window.statuses.at(-1) !== status) window.statuses.push(status);
  }, 40);
}"""
"""Samples the page while a change to the documents runs: what the status line said, and any English queue or
timer text, server path, stuck percentage or vector jargon that was visible anywhere."""


def watched(page: Page) -> tuple[list[str], list[str]]:
    """The status lines seen and the wrong texts flagged since ``WATCH`` started; the watching stops."""
    return page.evaluate("() => { clearInterval(window.watching); return [window.statuses, window.flagged]; }")


PLAN = """# Handlingsplan för jämställdhet i Testby

Kommunen tog fram en handlingsplan med mål för förskolan, skolan och socialtjänsten.

Varje verksamhet följer upp sina mål en gång om året och redovisar dem för nämnden.
"""


def test_a_document_added_from_the_command_line_reaches_open_and_reloaded_pages(
    documents_server: tuple[str, Path], browser: Browser, tmp_path: Path
) -> None:
    url, corpus = documents_server
    index = corpus.parent / "index"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.click("#documents")
    table = page.locator("#documents-table")
    expect(table).to_contain_text("rapport.txt", timeout=60_000)
    expect(table).not_to_contain_text("handlingsplan.md")
    plan = tmp_path / "handlingsplan.md"
    plan.write_text(PLAN, encoding="utf-8")
    try:
        result = run_cli("corpus", "add", str(plan), "--corpus", str(corpus), "--index", str(index))
        assert result.returncode == 0, result.stderr
        expect(table).to_contain_text("handlingsplan.md", timeout=30_000)  # the open page, by its timer
        page.reload()
        page.click("#documents")
        expect(table).to_contain_text("Handlingsplan för jämställdhet i Testby")
        expect(table).to_contain_text("rapport.txt")
        page.click("#remove-choice input")
        expect(page.get_by_role("option", name="handlingsplan.md")).to_be_visible()
    finally:
        context.close()
        (corpus / "handlingsplan.md").unlink(missing_ok=True)


def test_upload_filter_page_view_and_remove(
    page: Page, documents_server: tuple[str, Path], typeset: dict[str, Path], tmp_path: Path
) -> None:
    _, corpus = documents_server
    upload = tmp_path / "tryckt-rapport.pdf"
    shutil.copy(typeset["pdf2"], upload)
    page.click("#documents")
    # an earlier test's document may still be loaded (its file is gone, the index not rebuilt): the wording for
    # each set of documents is tested in test_presentation.py; here, that the page follows an upload
    expect(page.locator("#chat")).to_contain_text("t.ex. ”Vad gjorde Kalix?”")
    expect(page.locator("#upload [aria-label]").first).to_be_attached()  # the tab's upload area has rendered
    drop_area = page.evaluate("[...document.querySelectorAll('#upload [aria-label]')].map(e => e.ariaLabel)")
    assert "Klicka för att välja filer eller släpp dem här" in drop_area, drop_area  # not Gradio's English
    page.set_input_files("#upload input[type=file]", [str(upload)])
    page.evaluate(WATCH)
    page.click("#add-documents")
    status = page.locator("#documents-status")
    expect(status).to_contain_text(f"Klart: {REPORT_TITLE}: 65 stycken.", timeout=120_000)
    expect(status).to_contain_text("Klart: indexet byggdes om, 130 stycken ur 2 dokument")
    expect(status).to_be_in_viewport()  # beneath the button, scrolled to when below the window
    statuses, flagged = watched(page)
    assert flagged == [], "English progress, a server path, a stuck percentage or jargon was shown"
    assert any(line.startswith("Läser tryckt-rapport.pdf") for line in statuses), statuses  # in the status line
    assert "Indexerar …" in statuses, statuses
    expect(page.locator("#chat")).to_contain_text("Ställ en fråga om dokumenten, t.ex.")  # no longer the report only
    assert "common." not in (page.locator("body").text_content() or "")  # a screen reader hears no i18n keys
    expect(page.locator("#documents-table")).to_contain_text(REPORT_TITLE)
    assert (corpus / "tryckt-rapport.pdf").is_file()

    page.set_input_files("#upload input[type=file]", [str(upload)])
    page.click("#add-documents")
    expect(status).to_contain_text("finns redan i korpusen", timeout=60_000)

    page.reload()  # a page opened after the upload lists it too, not the corpus the server started with
    page.click("#documents")
    expect(page.locator("#documents-table")).to_contain_text("tryckt-rapport.pdf")
    page.click("#remove-choice input")
    expect(page.get_by_role("option", name="tryckt-rapport.pdf")).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_text("Filter", exact=True).click()
    choose(page, "#document-filter", REPORT_TITLE)
    page.fill("#question textarea", "Vad gjorde Kalix?")
    page.click("#send")
    sources = page.locator("#sources")
    expect(sources).to_contain_text(f"{REPORT_TITLE}, ", timeout=60_000)
    expect(sources).not_to_contain_text("rapport, ")

    page.click("#page-view")  # it opens on the first cited source's page, nothing to choose first
    expect(page.locator("#page-image img")).to_be_visible(timeout=60_000)
    expect(page.locator("#page-source input")).to_have_value(re.compile(r"^\[1\] "))
    expect(page.locator("#page-note")).to_contain_text(f"{REPORT_TITLE}, s. ")
    later = page.locator('#chat a[href^="#kalla-"]').last  # a citation chooses its source's page
    number = (later.get_attribute("href") or "").removeprefix("#kalla-")
    assert number != "1", "the reply cites one source only; the test needs two"
    later.click()
    expect(page.locator("#page-source input")).to_have_value(re.compile(rf"^\[{number}\] "))

    choose(page, "#remove-choice", "tryckt-rapport.pdf")
    page.click("#remove-document")
    confirm = page.locator("#confirm-removal")
    expect(confirm).to_contain_text(f"Ta bort {REPORT_TITLE} (tryckt-rapport.pdf)? Dess 65 stycken", timeout=30_000)
    assert (corpus / "tryckt-rapport.pdf").exists(), "nothing goes before the removal is confirmed"
    page.click("#confirm-remove")
    expect(status).to_contain_text("Tog bort tryckt-rapport.pdf (den ligger i papperskorgen)", timeout=120_000)
    expect(confirm).to_be_hidden()
    assert not (corpus / "tryckt-rapport.pdf").exists()

    page.evaluate(WATCH)
    page.click("#undo-removal")
    expect(status).to_contain_text("Återställde tryckt-rapport.pdf", timeout=120_000)
    statuses, flagged = watched(page)
    assert flagged == [] and "Återställer tryckt-rapport.pdf och bygger om indexet …" in statuses, (statuses, flagged)
    expect(status).to_contain_text("Klart: indexet byggdes om, 130 stycken")
    assert (corpus / "tryckt-rapport.pdf").is_file()
    expect(page.locator("#documents-table")).to_contain_text("tryckt-rapport.pdf")
