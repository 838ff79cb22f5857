"""The launched Gradio chat: through gradio_client and through a real browser."""

from __future__ import annotations

import pytest
from gradio_client import Client
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def client(server: str) -> Client:
    return Client(server, verbose=False)


def test_api_lists_only_the_ask_endpoint(client: Client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]


def test_ask_through_gradio_client(client: Client) -> None:
    result = client.predict("Vilka tips finns om uppföljning?", api_name="/ask")
    assert result["answered"] is True
    assert result["results"][0]["text"] == "Säkerställ rutiner och stöd för uppföljning av jämställdhetsarbetet"
    assert result["results"][0]["category"] == "Kunskap"


def test_ask_with_filters_through_gradio_client(client: Client) -> None:
    result = client.predict("Vad sa de om forskning?", "Gällivare", "Verksamhetsföreträdare", "citat", 3,
                            api_name="/ask")
    assert [r["municipality"] for r in result["results"]] == ["Gällivare", "Gällivare"]
    assert result["results"][0]["text"].startswith("För oss har det varit viktigt med kopplingen till vetenskap")


def test_bad_input_through_the_api_is_a_message(client: Client) -> None:
    assert client.predict("   ", api_name="/ask")["error"].startswith("Skriv en fråga")
    assert "Okänd kommun" in client.predict("Skolan?", "Atlantis", api_name="/ask")["error"]


@pytest.fixture(scope="module")
def page(server: str):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(server)
        yield page
        browser.close()


def ask_in_browser(page: Page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#send")


def test_browser_reply_shows_quote_with_speaker_and_working_citation(page: Page) -> None:
    ask_in_browser(page, "Hur får man med politikerna?")
    reply = page.locator("#chat .message.bot").last
    expect(reply).to_contain_text("— Politiker, Övertorneå", timeout=60_000)
    expect(reply.locator("blockquote").first).to_contain_text("Jag tror att det är jätteviktigt att politiken")
    link = reply.locator("a[href^='#kalla-']").first
    target = link.get_attribute("href")
    link.click()
    source = page.locator(f"#sources {target}")
    expect(source).to_be_in_viewport()
    expect(source).to_contain_text("s. ")
    expect(page.locator("#sources mark").first).to_be_visible()
