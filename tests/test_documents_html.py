"""A saved web page gives the report's passages; the site around them and its scripts are not read."""

from __future__ import annotations

from pathlib import Path

from assistant.devtools.typeset import MARKER, REPORT_TITLE
from assistant.documents.corpus import parse_document
from assistant.documents.passages import Passage


def test_web_page_gives_the_same_passages_without_footnotes(
    typeset: dict[str, Path], report_passages: list[Passage]
) -> None:
    parsed = parse_document("rapport", typeset["html"].read_bytes())
    assert (parsed.format, parsed.title) == ("html", REPORT_TITLE)
    expected = [
        (p.kind, p.section, MARKER.sub("", p.text), p.role, p.municipality, p.category)
        for p in report_passages
        if p.kind != "footnote"
    ]
    assert [(p.kind, p.section, p.text, p.role, p.municipality, p.category) for p in parsed.passages] == expected


def test_scripts_styles_and_site_navigation_are_dropped(typeset: dict[str, Path]) -> None:
    text = " ".join(p.text for p in parse_document("rapport", typeset["html"].read_bytes()).passages)
    for dropped in ("Skript som inte ska läsas", "alert", "color: red", "Om oss", "Kontakt", "Norrbottens Kommuner |"):
        assert dropped not in text


def test_page_without_main_element_reads_its_body() -> None:
    page = (
        "<html><head><title>Notis</title></head><body><h1>Notis</h1><div>Kort text om <b>jämställdhet</b>."
        "<ul><li>Första punkten</li></ul></div></body></html>"
    )
    parsed = parse_document("notis", page.encode())
    assert [(p.kind, p.text) for p in parsed.passages] == [
        ("paragraph", "Kort text om jämställdhet."),
        ("paragraph", "Första punkten"),
    ]
