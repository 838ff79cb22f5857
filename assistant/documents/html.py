"""Read a saved web page (lxml.html) into a :class:`~assistant.documents.layout.Layout`.

Only the page's own text counts: scripts, styles, forms and the page's
navigation, header, footer and asides are dropped, and when the page marks its
main content (``<main>``, ``<article>``, ``role="main"``) only that is read.
``h1``–``h6`` become headings by level, list items bullet items, table rows
paragraphs with their cells joined by " | ", and every other block element
with text of its own a paragraph.  The title is the page's ``<title>``.

A ``<br>`` and the edge of every block element count as a space, so words set
on separate lines ("Budgetskrivelse<br>för investeringar") stay apart.  A small
box of two to five short leaf blocks whose first is a label ("Driftseffekt" /
"+100 tkr/år") is read as one paragraph, "label: value", so that a value is
never a passage without the thing it is the value of.
"""

from __future__ import annotations

import logging
import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from assistant.documents.layout import Block, Layout, clean_characters
from assistant.documents.titles import without_site_name
from assistant.errors import UnreadableDocument

log = logging.getLogger(__name__)

DROPPED = ("script", "style", "noscript", "template", "svg", "iframe", "object", "form")
DROPPED_SITE = ("nav", "header", "footer", "aside")
"""The site around the page's own text."""
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = {"p", "li", "blockquote", "pre", "dt", "dd", "figcaption", "caption", "tr", "div", "section", "td", "th"}
"""Elements whose own text makes a paragraph (a ``div`` only for the text not inside a child block)."""
CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.I)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
SPACED = {"br", "hr", "img", *BLOCKS, "ul", "ol", "table", "main", "article", "body"}
"""Elements whose edges separate words: the text after them starts after a space."""
LABEL_MAX_CHARS = 60
"""A label is a short line ("Driftseffekt", "Budget 2027 / 2028"); a sentence is not a label."""
BOX_MAX_CHILDREN = 5


def read_html(data: bytes) -> Layout:
    """The page's blocks and title; UnreadableDocument with a Swedish reason."""
    try:
        root = lxml.html.document_fromstring(XML_DECLARATION.sub("", _decode(data), count=1))
    except (etree.ParserError, ValueError) as error:
        raise UnreadableDocument("Webbsidan kan inte tolkas som HTML.") from error
    title_element = root.find(".//title")
    title = _clean(title_element.text_content()) if title_element is not None else ""
    scripts = len(root.xpath("//script"))
    for element in root.xpath(
        "|".join(f"//{tag}" for tag in DROPPED + DROPPED_SITE) + "|//*[@hidden]|//*[@aria-hidden='true']"
    ):
        if element.getparent() is not None:
            element.drop_tree()
    if scripts:
        log.info("Dropped %d script elements from a web page", scripts)
    _space_block_edges(root)
    main = root.xpath("//main|//article|//*[@role='main']")
    body = main[0] if main else root.find("body") if root.find("body") is not None else root
    blocks = _blocks(body)
    if not blocks:
        reason = " (den byggs troligen med JavaScript, som inte läses)" if scripts else ""
        raise UnreadableDocument(f"Webbsidan innehåller ingen läsbar text{reason}.")
    return Layout(blocks=blocks, footnotes={}, title=without_site_name(title) or None, styled=True)


def _decode(data: bytes) -> str:
    """The page as text: in the charset its ``<meta>`` declares, else UTF-8."""
    declared = CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    try:
        return data.decode("utf-8-sig" if encoding in ("utf-8", "utf8") else encoding)
    except LookupError as error:
        raise UnreadableDocument(f"Webbsidan anger en okänd teckenkodning ({encoding}).") from error
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"Webbsidan är inte kodad som {encoding} (fel vid byte {error.start}); spara den som UTF-8."
        ) from error


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", clean_characters(text)).strip()


def _space_block_edges(root: HtmlElement) -> None:
    """Put a space after every ``<br>`` and block element, so text_content() never glues two lines."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in SPACED | set(HEADINGS):
            element.tail = " " + (element.tail or "")


def _tag(element: HtmlElement) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _labelled_box(element: HtmlElement) -> str | None:
    """A ``div`` of 2–5 leaf blocks whose first is a short label, as "label: value. more"; else None."""
    children = [c for c in element if _tag(c)]
    if _tag(element) != "div" or not 2 <= len(children) <= BOX_MAX_CHILDREN or _clean(element.text or ""):
        return None
    if any(
        _tag(c) not in {"div", "p", "span"} or any(_tag(d) in BLOCKS | set(HEADINGS) for d in c.iterdescendants())
        for c in children
    ):
        return None
    texts = [t for t in (_clean(c.text_content()) for c in children) if t]
    if len(texts) < 2 or len(texts[0]) > LABEL_MAX_CHARS or texts[0].endswith((".", "!", "?", ":")):
        return None
    rest = ""
    for text in texts[1:]:
        rest += ("" if not rest else " " if rest.endswith((".", "!", "?", ":")) else ". ") + text
    return f"{texts[0]}: {rest}"


def _blocks(body: HtmlElement) -> list[Block]:
    blocks: list[Block] = []
    boxed: set[HtmlElement] = set()
    for element in body.iter():
        if not isinstance(element.tag, str) or element in boxed:
            continue
        tag = element.tag.lower()
        box = _labelled_box(element) if tag == "div" else None
        if box is not None and not _inside(element, {"li", "tr", "blockquote", "pre", *HEADINGS}):
            blocks.append(Block(box, None))
            boxed.update(element.iterdescendants())
            continue
        if tag in HEADINGS:
            text = _clean(element.text_content())
            if text:
                blocks.append(Block(text, None, heading=HEADINGS[tag]))
        elif tag in BLOCKS and not _inside(element, {"li", "tr", "blockquote", "pre", *HEADINGS}):
            text = _own_text(element, tag)
            if text:
                blocks.append(Block(f"• {text}" if tag == "li" else text, None))
    return blocks


def _inside(element: HtmlElement, tags: set[str]) -> bool:
    """Whether an ancestor already reads this element's text as part of its own block."""
    return any(isinstance(a.tag, str) and a.tag.lower() in tags for a in element.iterancestors())


def _own_text(element: HtmlElement, tag: str) -> str:
    """The block's text without nested blocks (read on their own); a row's cells joined by " | "."""
    if tag == "tr":
        return " | ".join(t for t in (_clean(c.text_content()) for c in element if isinstance(c.tag, str)) if t)
    if tag in ("li", "blockquote", "pre"):
        return _clean(element.text_content())
    parts = [element.text or ""]
    for child in element:
        inline = isinstance(child.tag, str) and child.tag.lower() not in BLOCKS | set(HEADINGS) | {"ul", "ol", "table"}
        if inline:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return _clean("".join(parts))
