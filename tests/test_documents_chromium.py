"""The report printed to PDF by a browser (Chromium's ``page.pdf()`` through Playwright).

Chromium draws list bullets as small vector circles, not characters, and prints what a script wrote
above the title: the tips must still be tips with their categories, the quotes quotes with their speakers,
and the sections those of the text extraction.
"""

from __future__ import annotations

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, needs_chromium

from assistant.devtools.typeset import MARKER, REPORT_TITLE, typeset_html
from assistant.documents.corpus import ParsedDocument, parse_document
from assistant.documents.passages import Passage

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
def printed(report_passages: list[Passage]) -> ParsedDocument:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content(typeset_html(report_passages).decode())
        page.add_style_tag(content="@media print { nav, header, footer { display: none } }")  # as sites do
        data = page.pdf(format="A4", margin={"top": "2cm", "bottom": "2cm", "left": "2cm", "right": "2cm"})
        browser.close()
    return parse_document("rapport", data)


def test_quotes_keep_their_speakers_and_tips_their_categories(printed: ParsedDocument) -> None:
    quotes = [p for p in printed.passages if p.kind == "quote"]
    tips = [p for p in printed.passages if p.kind == "tip"]
    assert len(quotes) == 18 and all(q.role and q.municipality for q in quotes)
    assert len(tips) == 12 and all(t.category for t in tips)


def test_the_sections_and_passages_of_the_text_extraction(
    printed: ParsedDocument, report_passages: list[Passage]
) -> None:
    assert printed.title == REPORT_TITLE
    expected = [
        (p.kind, p.section, MARKER.sub("", p.text), p.role, p.municipality, p.category)
        for p in report_passages
        if p.kind != "footnote"
    ]
    got = [(p.kind, p.section, p.text, p.role, p.municipality, p.category) for p in printed.passages if p.section]
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    assert got == expected
