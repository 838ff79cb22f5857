"""The launched Gradio chat: through gradio_client and through a real browser."""

from __future__ import annotations

import pytest
from gradio_client import Client
from playwright.sync_api import Page, expect

from assistant.errors import InputError


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
    result = client.predict(
        "Vad sa de om forskning?", "Gällivare", "Verksamhetsföreträdare", "citat", 3, api_name="/ask"
    )
    assert [r["municipality"] for r in result["results"]] == ["Gällivare", "Gällivare"]
    assert result["results"][0]["text"].startswith("För oss har det varit viktigt med kopplingen till vetenskap")


def test_bad_input_through_the_api_is_a_message(client: Client) -> None:
    assert client.predict("   ", api_name="/ask")["error"].startswith("Skriv en fråga")
    assert "Okänd kommun" in client.predict("Skolan?", "Atlantis", api_name="/ask")["error"]


@pytest.fixture
def page(server: str, browser):
    """A fresh page for one test, so no test depends on another's conversation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server)
    yield page
    context.close()


def ask_in_browser(page: Page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#send")


def test_browser_reply_shows_quote_with_speaker_and_working_citation(page: Page) -> None:
    ask_in_browser(page, "Vad säger förvaltningen i Kalix om uppföljning?")
    reply = page.locator("#chat .message.bot").last
    expect(reply.locator("blockquote").first).to_contain_text("— Förvaltningsföreträdare, Kalix", timeout=60_000)
    expect(reply.locator("blockquote").first).to_contain_text("skjuter vi ibland med hagelspruta")
    link = reply.locator("a[href^='#kalla-']").first
    target = link.get_attribute("href")
    link.click()
    source = page.locator(f"#sources {target}")
    expect(source).to_be_in_viewport()
    expect(source).to_contain_text("s. ")
    expect(page.locator("#sources mark").first).to_be_visible()


def test_html_and_script_in_a_question_are_shown_as_text_never_run(page: Page) -> None:
    attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> **fet** [länk](javascript:alert(1))'
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ask_in_browser(page, attack)
    user = page.locator("#chat .message.user").last
    expect(user).to_contain_text("<script>window.__xss=2</script>", timeout=60_000)
    expect(page.locator("#chat .message.bot").last).to_contain_text("Källor", timeout=60_000)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert user.locator("img, script, a[href^='javascript']").count() == 0


def test_concurrent_sessions_all_answered_correctly(server: str, engine) -> None:
    from assistant.devtools.loadtest import run_load

    questions = ["Vad gjorde Kalix?", "Vilka tips finns om uppföljning?", "hagelspruta", "Hur får man med politikerna?"]
    reference = [(q, engine.ask(q).answer.hits[0].passage.id) for q in questions]
    result = run_load(server, reference, sessions=8, per_session=2, deadline=120)
    assert result.requests == 16
    assert result.failures == 0


def test_load_test_refuses_other_hosts() -> None:
    from assistant.devtools.loadtest import run_load

    with pytest.raises(InputError, match="bara mot den här datorn"):
        run_load("http://192.0.2.1:7860/", [("x", "y")], 1, 1)
