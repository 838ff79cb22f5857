"""The chat page as a civil servant meets it (issue #12): Debian's chromium against the launched chat.

One server and one browser for the session; every test opens its own desktop page (1400 px, an
English browser, so the page must be Swedish by itself), so no test waits on what another left
behind. Tests wait for events (a reply, focus, a note), never for a fixed time. Screenshots of the
desktop and phone layouts are written to tests/artifacts/ for review.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO, run_cli
from playwright.sync_api import Browser, Locator, Page, expect

from assistant.interfaces.server import free_port
from assistant.search.index import current_build, read_manifest
from assistant.search.lexical import tokenize

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
EMOJI = re.compile("[\u2600-\u26ff\u2705\u274c\u2b50\ufe0f\U0001f000-\U0001faff]")
"""Pictographs that need an emoji font (Debian's chromium shows boxes); the dingbat ✕ is plain text."""
REPLY = 60_000
EXAMPLES_SHOWN = ("Vad gjorde Kalix?", "Hur får man med politikerna?")


def open_page(browser: Browser, server: str, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page = context.new_page()
    page.goto(server)
    expect(page.locator("#question textarea")).to_be_visible(timeout=REPLY)
    return page


@pytest.fixture
def desk(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh desktop page for one test: its own browser context, conversation and clipboard."""
    page = open_page(browser, server, DESKTOP)
    yield page
    page.context.close()


def ask(page: Page, question: str) -> Locator:
    """Ask with the button; the new reply once the page has settled on it (focus back in the question box)."""
    replies = page.locator('#chat [data-testid="bot"]')
    count = replies.count()
    page.fill("#question textarea", question)
    page.click("#send")
    expect(replies).to_have_count(count + 1, timeout=REPLY)
    expect(page.locator("#question textarea")).to_be_focused()
    return replies.last


def opened(page: Page, accordion: str, inside: str) -> Locator:
    """``inside`` (a selector in the accordion), after opening the accordion when it is closed."""
    target = page.locator(inside)
    if not target.is_visible():
        page.locator("button.label-wrap", has_text=accordion).click()
    expect(target).to_be_visible()
    return target


def geometry(page: Page) -> dict:
    """Where the conversation box, the last question and the last reply stand, in viewport pixels."""
    return page.evaluate(
        """() => {
          const log = document.querySelector('#chat [role=log]');
          const box = log.getBoundingClientRect();
          const last = (sel) => [...log.querySelectorAll(sel)].pop().getBoundingClientRect();
          return {top: box.top, bottom: box.bottom, height: box.height,
                  user: last('[data-testid=user]').top, bot: last('[data-testid=bot]').top,
                  scrolled: log.scrollTop, visible: log.clientHeight, total: log.scrollHeight};
        }"""
    )


def test_a_new_reply_opens_at_its_start_with_the_question_just_above(desk: Page) -> None:
    ask(desk, "Vilka tips finns om uppföljning?")
    desk.fill("#question textarea", "Hur får man med politikerna?")
    desk.press("#question textarea", "Enter")
    desk.wait_for_function(
        """() => { const last = [...document.querySelectorAll('#chat [data-testid=user]')].pop();
                   const log = document.querySelector('#chat [role=log]').getBoundingClientRect();
                   return last?.innerText.includes('politikerna')
                          && Math.abs(last.getBoundingClientRect().top - log.top) < 60; }""",
        timeout=REPLY,
    )
    box = geometry(desk)
    assert 0 <= box["top"] <= box["user"] < box["bot"] < box["top"] + box["height"] / 2
    assert box["scrolled"] + box["visible"] < box["total"] - 100, "scrolled to the end of the reply"


def test_the_conversation_takes_the_height_the_window_gives(browser: Browser, server: str) -> None:
    heights = []
    for height in (800, 1200):
        page = open_page(browser, server, {"width": 1400, "height": height})
        heights.append(page.locator("#chat").bounding_box()["height"])
        page.context.close()
    assert heights[1] - heights[0] >= 300
    assert heights[0] >= 400


def test_a_filter_read_from_a_follow_up_is_shown_and_can_be_cleared(desk: Page, engine, monkeypatch) -> None:
    ask(desk, "Vilka tips finns om uppföljning?")
    reply = ask(desk, "Och i Jokkmokk?")
    expect(reply).to_contain_text("Filtrerat på: Jokkmokk (ur frågan)")
    bar = desk.locator("#context")
    expect(bar).to_contain_text("Jokkmokk (ur frågan)")
    desk.get_by_role("button", name="Ta bort filtren", exact=True).click()
    expect(bar).to_be_hidden()
    asked = []
    original = engine.ask
    monkeypatch.setattr(engine, "ask", lambda *a, **k: asked.append(k) or original(*a, **k))
    ask(desk, "Och vad sa politikerna om det?")
    assert asked[0]["conversation"].topic.opening == "Vilka tips finns om uppföljning?"
    assert asked[0]["conversation"].topic.municipality is None


def test_a_follow_up_says_what_it_follows_and_can_be_asked_anew(desk: Page) -> None:
    first = ask(desk, "Vad gjorde Kalix?")
    expect(first).not_to_contain_text("Följdfråga till")
    follow = ask(desk, "Och i Gällivare?")
    expect(follow).to_contain_text("Följdfråga till: ”Vad gjorde Kalix?”")
    anew = desk.get_by_role("button", name="Ställ som ny fråga", exact=True)
    replies = desk.locator('#chat [data-testid="bot"]')
    anew.click()
    expect(replies.last).to_contain_text("Ny fråga", timeout=REPLY)
    expect(replies).to_have_count(2)
    expect(anew).to_be_hidden()


def test_a_chosen_filter_is_shown_and_cleared_back_to_all(desk: Page) -> None:
    dropdown = opened(desk, "Filter", "#municipality input")
    dropdown.click()
    dropdown.fill("Kalix")
    desk.get_by_role("option", name="Kalix").click()
    reply = ask(desk, "Vad gjorde de med skolan?")
    expect(reply).to_contain_text("Filtrerat på: Kalix (ditt val)")
    desk.click("#clear-filters")
    expect(dropdown).to_have_value("Alla")


def test_the_index_panel_shows_swedish_local_time_and_age(desk: Page, engine) -> None:
    built = datetime.fromisoformat(engine.retriever.index.manifest.built_at).astimezone(ZoneInfo("Europe/Stockholm"))
    status = opened(desk, "Index", "#index-status")
    expect(status).to_contain_text(re.compile(rf"byggt i (dag|går) {built:%H:%M} \((nyss|för \d+ \w+ sedan)\)"))
    expect(status).not_to_contain_text("+00:00")


def test_rebuild_button_is_disabled_while_it_runs_and_a_double_click_builds_once(
    desk: Page, engine, monkeypatch
) -> None:
    calls = []
    original = engine.rebuild
    watched = threading.Event()

    def held_rebuild(*args: object, **kwargs: object) -> object:
        """A rebuild held until the test has seen the page while it runs (a real one is nearly instant)."""
        calls.append(1)
        watched.wait(timeout=REPLY / 1000)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "rebuild", held_rebuild)
    button = opened(desk, "Index", "#rebuild")
    button.dblclick()
    expect(button).to_be_disabled()
    note = desk.locator("#index-note")
    expect(note).to_contain_text("Bygger om indexet")
    watched.set()
    expect(note).to_contain_text("Klart: indexet byggdes om", timeout=120_000)
    expect(button).to_be_enabled()
    assert calls == [1]


def test_a_rebuild_from_the_command_line_is_loaded_by_the_running_chat(
    desk: Page, engine, workdir: Path, monkeypatch
) -> None:
    index_dir = workdir / "index"
    loaded = threading.Event()
    original = engine.reload_if_changed

    def reload_if_changed() -> object:
        """The engine's own check (the page's timer calls it every few seconds), noting when the new build is in."""
        result = original()
        if engine.retriever.index.path == current_build(index_dir):
            loaded.set()
        return result

    monkeypatch.setattr(engine, "reload_if_changed", reload_if_changed)
    result = run_cli("index", "rebuild")
    assert result.returncode == 0, result.stderr
    assert loaded.wait(timeout=30), "the running chat did not load the new build"
    built = datetime.fromisoformat(read_manifest(index_dir).built_at).astimezone(ZoneInfo("Europe/Stockholm"))
    expect(opened(desk, "Index", "#index-status")).to_contain_text(f"{built:%H:%M}", timeout=15_000)


def test_the_page_speaks_swedish_without_emoji_or_english_chrome(desk: Page) -> None:
    expect(desk.locator("html")).to_have_attribute("lang", "sv")  # set by the page's script once it has loaded
    footer = desk.locator("footer")
    expect(footer).to_have_attribute("aria-label", "Sidfot")
    assert footer.inner_text().strip() == "API för utvecklare"  # no rocket, no dangling "·"
    reply = ask(desk, "x" * 1200)
    expect(reply).to_contain_text("Frågan är för lång")
    labels = desk.evaluate(
        "[...document.querySelectorAll('button[aria-label], button[title]')]"
        ".map(b => b.getAttribute('aria-label') || b.getAttribute('title'))"
    )
    assert not {"Clear", "Copy message", "Use via API"} & set(labels)
    names = desk.evaluate("[...document.querySelectorAll('#chat [aria-label]')].map(e => e.getAttribute('aria-label'))")
    assert not [name for name in names if re.match(r"(user's|bot's) message|chatbot conversation", name)]
    assert "Svar: " in " ".join(names)
    text = desk.locator("body").inner_text()
    assert EMOJI.findall(text) == []
    heard = desk.locator("body").text_content() or ""  # hidden text too: what a screen reader announces
    assert "common." not in heard


def test_the_page_viewer_says_why_a_text_source_has_no_page(desk: Page) -> None:
    note = opened(desk, "Sidan i dokumentet", "#page-note")
    expect(note).to_contain_text("Ställ en fråga, så visas här sidan")
    expect(desk.locator("#page-source")).to_be_hidden()  # no empty picker, no blank image under a label
    expect(desk.locator("#page-image")).to_be_hidden()
    ask(desk, "Vad gjorde Kalix?")
    expect(note).to_contain_text("Svarets källor har ingen PDF-sida att visa")
    expect(desk.locator("#page-source")).to_be_hidden()


def test_the_server_log_has_no_share_link_advice(engine) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        cwd=REPO,
    )
    try:
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
    finally:
        process.terminate()
        rest, errors = process.communicate(timeout=30)
    assert "share=True" not in first + rest + errors
    assert "Rapportassistenten körs på" in first


def test_an_empty_message_leaves_no_bubble(desk: Page) -> None:
    desk.fill("#question textarea", "   ")
    desk.press("#question textarea", "Enter")
    expect(desk.get_by_text("Skriv en fråga i rutan först.")).to_be_visible()
    expect(desk.get_by_text("Error", exact=True)).to_have_count(0)  # no failed event behind the note
    expect(desk.locator(".toast-title").first).to_have_text(re.compile(r"^\s*Obs!"))  # not Gradio's "Info"
    expect(desk.locator("[data-testid=toast-close]").first).to_have_attribute("aria-label", "Stäng")
    ask(desk, "Vad gjorde Kalix?")
    expect(desk.locator('#chat [data-testid="user"]')).to_have_count(1)
    expect(desk.locator('#chat [data-testid="user"]')).to_have_text("Vad gjorde Kalix?")


def test_an_example_asks_as_a_fresh_question(desk: Page) -> None:
    ask(desk, "Vilka tips finns om uppföljning?")
    replies = desk.locator('#chat [data-testid="bot"]')
    desk.get_by_role("button", name="Vad gjorde Kalix?", exact=True).click()
    expect(replies).to_have_count(2, timeout=REPLY)
    expect(desk.locator('#chat [data-testid="user"]').last).to_have_text("Vad gjorde Kalix?")
    expect(replies.last).not_to_contain_text("ur frågan")
    expect(desk.locator("#question textarea")).to_be_focused()


def test_sources_name_the_kind_once_and_mark_content_words_not_common_ones(desk: Page) -> None:
    ask(desk, "Vilka tips finns om uppföljning?")
    heads = desk.locator("#sources .source-head").all_inner_texts()
    assert any("tips:" in head for head in heads)
    assert not [head for head in heads if "tips:" in head and "(tips)" in head]
    ask(desk, "Hur kommer man igång med jämställdhetsarbetet i skolan?")
    marked = desk.locator("#sources mark.word").all_inner_texts()
    assert marked
    assert not [word for word in marked if tokenize(word) == tokenize("kommer")]
    expect(desk.locator("#sources mark.sentence").first).to_be_visible()


def test_a_reply_is_copied_as_markdown_with_its_sources(desk: Page) -> None:
    ask(desk, "Vilka tips finns om uppföljning?")
    desk.locator('#chat button[aria-label="Kopiera som Markdown"]').last.click()
    copied = desk.evaluate("navigator.clipboard.readText()")
    assert "### Källor" in copied
    assert re.search(r"^\[1\] På väg mot jämställda och attraktiva kommuner, ", copied, re.MULTILINE)
    assert "#kalla-" not in copied


def test_the_conversation_downloads_as_markdown_with_its_citations(desk: Page) -> None:
    ask(desk, "Vad gjorde Kalix?")
    ask(desk, "Vilka tips finns om uppföljning?")
    with desk.expect_download() as download:
        desk.click("#download")
    assert download.value.suggested_filename.endswith(".md")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Samtal med Rapportassistenten")
    assert "## 1. Vad gjorde Kalix?" in text
    assert "## 2. Vilka tips finns om uppföljning?" in text
    assert text.count("### Källor") == 2
    assert "#kalla-" not in text


TAB_LIMIT = 120
"""More Tab presses than the page has stops (about 40 with a reply), so a full round always fits."""


def test_everything_is_reachable_by_keyboard_with_visible_focus(desk: Page) -> None:
    ask(desk, "Vilka tips finns om uppföljning?")
    reached: list[dict] = []
    for _ in range(TAB_LIMIT):
        desk.keyboard.press("Tab")
        reached.append(
            desk.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                   return {id: e.id, name: (e.getAttribute('aria-label') || e.innerText || '').trim(),
                           tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
            )
        )
    focusable = [r for r in reached if r["tag"] != "BODY"]
    names = {r["name"].split("\n")[0] for r in focusable} | {r["id"] for r in focusable}
    for wanted in ("send", "new-chat", "download", "Filter", "Index", "[1]", "Kopiera som Markdown", *EXAMPLES_SHOWN):
        assert wanted in names, f"{wanted!r} not reachable by Tab"
    assert "TEXTAREA" in {r["tag"] for r in focusable}
    unmarked = [r for r in focusable if r["outline"] == "none" or r["width"] < 2]
    assert unmarked == [], "focus not visible"


def test_the_page_passes_an_axe_audit_for_wcag_aa(desk: Page, axe_script: Path) -> None:
    ask(desk, "Vilka tips finns om uppföljning?")
    ask(desk, "Och i Jokkmokk?")
    opened(desk, "Index", "#index-status")
    desk.add_script_tag(path=str(axe_script))
    result = desk.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    problems = [
        {"rule": v["id"], "help": v["help"], "where": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
    ]
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)


def test_screenshots_for_review_desktop_and_phone(browser: Browser, server: str, artifacts: Path) -> None:
    for name, viewport in (("desktop-1400", DESKTOP), ("phone-390", PHONE)):
        page = open_page(browser, server, viewport)
        ask(page, "Vilka tips finns om uppföljning?")
        ask(page, "Och i Jokkmokk?")
        box = geometry(page)
        assert 0 <= box["user"] < box["bot"] < viewport["height"] / 2
        page.screenshot(path=artifacts / f"chat-{name}.png")
        page.context.close()
        assert (artifacts / f"chat-{name}.png").stat().st_size > 10_000


LAPTOP = {"width": 1366, "height": 900}
"""A common laptop screen: the sources of a long reply are taller than the window."""
PANEL = """() => {
  const box = (selector) => { const b = document.querySelector(selector).getBoundingClientRect();
                              return {top: b.top, bottom: b.bottom}; };
  const panel = document.querySelector('#sources');
  return {panel: box('#sources'), viewer: box('#page-view'), input: box('#question textarea'),
          scrolled: panel.scrollTop, total: panel.scrollHeight, visible: panel.clientHeight,
          overflow: getComputedStyle(panel).overflowY, page: window.scrollY,
          app: document.querySelector('.gradio-container').scrollTop};
}"""


def test_many_sources_scroll_in_their_own_panel_and_a_citation_leaves_the_chat_in_place(
    browser: Browser, server: str, artifacts: Path
) -> None:
    page = open_page(browser, server, LAPTOP)
    try:
        ask(page, "Hur får man med politikerna?")
        sources = page.locator("#sources .source")
        count = sources.count()
        assert count >= 6, "the question no longer has many sources; pick another"
        before = page.evaluate(PANEL)
        assert before["overflow"] == "auto"
        assert before["total"] > before["visible"] + 200, "the sources do not scroll inside their panel"
        assert before["panel"]["bottom"] <= LAPTOP["height"], "the panel runs past the window"
        assert before["viewer"]["top"] >= before["panel"]["bottom"] - 1, "the page viewer is drawn over the sources"

        page.locator(f'#chat [data-testid="bot"] a[href="#kalla-{count}"]').last.click()
        after = page.evaluate(PANEL)
        assert (after["page"], after["app"]) == (before["page"], 0), "the citation scrolled the page, not the panel"
        expect(page.locator("#question textarea")).to_be_in_viewport()
        expect(page.locator("#title")).to_be_in_viewport()
        assert after["scrolled"] > 0
        last = sources.nth(count - 1).bounding_box()
        assert after["panel"]["top"] - 1 <= last["y"] < after["panel"]["bottom"] - 40, "the source is not shown"
        expect(sources.nth(count - 1)).to_have_class(re.compile(r"\bchosen\b"))
        page.screenshot(path=artifacts / "sources-laptop-1366.png")

        page.mouse.move(last["x"] + 20, last["y"] + 20)
        page.mouse.wheel(0, -600)
        page.wait_for_function(f"document.querySelector('#sources').scrollTop < {after['scrolled']}")
        assert page.evaluate(PANEL)["page"] == before["page"], "the wheel moved the page, not the panel"
    finally:
        page.context.close()


def test_a_citation_on_a_phone_scrolls_the_page_to_its_source(browser: Browser, server: str) -> None:
    page = open_page(browser, server, PHONE)
    try:
        ask(page, "Hur får man med politikerna?")
        count = page.locator("#sources .source").count()
        page.locator(f'#chat [data-testid="bot"] a[href="#kalla-{count}"]').last.click()
        expect(page.locator(f"#kalla-{count}")).to_be_in_viewport()
        assert page.evaluate("document.querySelector('.gradio-container').scrollTop") == 0
    finally:
        page.context.close()
