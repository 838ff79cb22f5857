"""Which reader a document needs, decided by its content, and the plain-text readers.

PDF starts with ``%PDF``; a Word document is a zip archive holding
``word/document.xml``; a web page starts (after an optional declaration or
comment) with an HTML tag; anything else must be UTF-8 text — Markdown when it
has ``#`` headings, else a PDF text extraction such as ``corpus/rapport.txt``.
Every reader returns the same :class:`~assistant.documents.layout.Layout`, so
quotes, tips, sections and footnotes are recognised alike in every format.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePath
from typing import Literal

from assistant.documents.layout import Block, Layout, analyse
from assistant.errors import UnreadableDocument

Format = Literal["pdf", "docx", "html", "markdown", "text"]
"""A document's format, decided by its content (:func:`sniff`)."""
FORMAT_LABELS: dict[Format, str] = {
    "pdf": "PDF",
    "docx": "Word",
    "html": "webbsida",
    "markdown": "Markdown",
    "text": "text",
}
"""Format names as users read them (Swedish)."""
CONTENT_LABELS: dict[Format, str] = {
    "pdf": "en PDF",
    "docx": "ett Word-dokument",
    "html": "en webbsida",
    "markdown": "en Markdown-text",
    "text": "en textfil",
}
"""What a file is, as a note says it ("filen heter .pdf men är en textfil")."""
NAMED_FORMATS: dict[str, Format] = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}
"""What a file's name promises; its content decides how it is read (:func:`misnamed` says when they differ)."""
MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*$")
HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"BM": "BMP",
}
"""Images a user may upload by mistake or rename (a scan saved as .pdf): refused as images, not as bad text."""


def sniff(data: bytes) -> Format:
    """The document's format by its content: pdf, docx, html, markdown or text."""
    head = data[:1024]
    if head.lstrip(b"\0\t\r\n ").startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    image = next((name for magic, name in IMAGE_MAGIC.items() if head.startswith(magic)), None)
    if image is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        image = "WebP"
    if image:
        raise UnreadableDocument(
            f"Filen är en bild ({image}), inte ett dokument med text; kör textigenkänning (OCR) och spara som PDF."
        )
    if head.startswith(OLE_MAGIC):
        raise UnreadableDocument("Äldre Word-format (.doc) stöds inte; spara dokumentet som .docx eller PDF.")
    if HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")):
        return "html"
    if b"\0" in head:
        raise UnreadableDocument("Filen är inte ett dokument som kan läsas (PDF, Word, webbsida eller text).")
    text = decode_text(data)
    return "markdown" if any(MD_HEADING.match(line) for line in text.splitlines()) else "text"


def _sniff_zip(data: bytes) -> Format:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableDocument(
            "Filen ser ut som ett zip-arkiv (t.ex. .docx) men är skadad eller ofullständig."
        ) from error
    if "word/document.xml" in names:
        return "docx"
    raise UnreadableDocument("Filen är ett zip-arkiv men inget Word-dokument (.docx); andra format stöds inte.")


def misnamed_note(file_name: str, kind: Format) -> str | None:
    """A note (Swedish) when a file's name promises another format than its content holds: a text file renamed
    ``.pdf`` is read as text, and its user should know why its pages are not cited."""
    suffix = PurePath(file_name).suffix.lower()
    named = NAMED_FORMATS.get(suffix)
    if named is None or named == kind:
        return None
    return f"filen heter {suffix} men är {CONTENT_LABELS[kind]} och lästes som en sådan"


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped); UnreadableDocument naming the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"Dokumentet är inte UTF-8-kodat (fel vid byte {error.start}); spara det som UTF-8."
        ) from error


def read_layout(data: bytes, kind: str) -> Layout:
    """The document's layout, read by the reader for ``kind`` (see :func:`sniff`)."""
    if kind == "pdf":
        from assistant.documents.pdf import read_pdf

        return read_pdf(data)
    if kind == "docx":
        from assistant.documents.docx import read_docx

        return read_docx(data)
    if kind == "html":
        from assistant.documents.html import read_html

        return read_html(data)
    text = decode_text(data)
    if not text.strip():
        raise UnreadableDocument("Dokumentet är tomt.")
    return read_markdown(text) if kind == "markdown" else analyse(text)


def read_markdown(text: str) -> Layout:
    """Markdown: ``#`` headings with their levels, paragraphs between blank lines, no pages."""
    blocks = []
    for block in analyse(text, leading_space_pages=False).blocks:
        match = MD_HEADING.match(block.text)
        if match:
            blocks.append(Block(match.group("title"), None, heading=len(match.group("hashes"))))
        else:
            blocks.append(Block(block.text, None))
    return Layout(blocks=blocks, footnotes={}, styled=True)
