"""Documents that cannot be read are reported by name with a Swedish reason; the others still load."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from assistant.documents.corpus import load_corpus, parse_document
from assistant.documents.formats import sniff
from assistant.documents.library import prepare_document
from assistant.errors import UnreadableDocument

REPORT = Path(__file__).resolve().parent.parent / "corpus" / "rapport.txt"


def scanned_pdf() -> bytes:
    """A page that is only a picture of text: no text layer."""
    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawImage(ImageReader(Image.new("RGB", (200, 100), "white")), 72, 600)
    page.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    buffer = BytesIO()
    page = canvas.Canvas(buffer, encrypt="hemligt")
    page.drawString(72, 720, "Hemlig text om jämställdhet.")
    page.save()
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A .docx whose document part unpacks to 20 MB of nothing (2 MB per 1 KB packed would go on forever)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 20_000_000)
    return buffer.getvalue()


def other_zip() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


BAD = {
    "inskannad.pdf": (scanned_pdf, "inget textlager"),
    "krypterad.pdf": (encrypted_pdf, "krypterad"),
    "avkortad.pdf": (lambda: encrypted_pdf()[:400], "ofullständig"),
    "skadad.pdf": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "skadad"),
    "bomb.docx": (zip_bomb, "zip-bomb"),
    "trasig.docx": (lambda: b"PK\x03\x04" + b"\0" * 300, "skadad eller ofullständig"),
    "kalkyl.ods": (other_zip, "inget Word-dokument"),
    "gammal.doc": (lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, "Äldre Word-format"),
    "skript.html": (lambda: b"<html><body><script>document.write('x')</script></body></html>", "JavaScript"),
    "bild.pdf": (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "är en bild \\(PNG\\)"),
    "foto.pdf": (lambda: b"\xff\xd8\xff\xe0" + b"\0" * 200, "är en bild \\(JPEG\\)"),
    "latin1.txt": (lambda: "Jämställdhet i förskolan".encode("latin-1"), "inte UTF-8-kodat"),
    "latin1.html": (lambda: "<html><body><p>Jämställdhet</p></body></html>".encode("latin-1"), "inte kodad som utf-8"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_document_gets_a_swedish_reason(name: str) -> None:
    make, reason = BAD[name]
    with pytest.raises(UnreadableDocument, match=reason):
        parse_document(name, make())


def test_bad_documents_are_skipped_by_name_and_the_rest_load(tmp_path: Path, typeset: dict[str, Path]) -> None:
    (tmp_path / "rapport.txt").write_bytes(REPORT.read_bytes())
    (tmp_path / "rapport_kopia.txt").write_bytes(REPORT.read_bytes())
    (tmp_path / "webb.html").write_bytes(typeset["html"].read_bytes())
    for name, (make, _) in BAD.items():
        (tmp_path / name).write_bytes(make())
    corpus = load_corpus(tmp_path)
    assert corpus.documents == ["rapport.txt", "webb.html"]
    errors = {e.name: e.message for e in corpus.errors}
    assert set(errors) == {*BAD, "rapport_kopia.txt"}
    assert errors["rapport_kopia.txt"] == "Samma innehåll som rapport.txt; dokumentet hoppas över."
    assert [(s.name, s.format, s.kinds["quote"]) for s in corpus.summaries] == [
        ("rapport.txt", "text", 18),
        ("webb.html", "html", 18),
    ]


def test_same_name_in_two_formats_is_refused(tmp_path: Path, typeset: dict[str, Path]) -> None:
    (tmp_path / "rapport.txt").write_bytes(REPORT.read_bytes())
    (tmp_path / "rapport.pdf").write_bytes(typeset["pdf"].read_bytes())
    corpus = load_corpus(tmp_path)
    assert [e.name for e in corpus.errors] == ["rapport.txt"]
    assert "Ett annat dokument heter också rapport" in corpus.errors[0].message


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.4 ...", "pdf"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"),
        (b"<!-- saved --><html lang='sv'>", "html"),
        (b"# Rubrik\n\nText.", "markdown"),
        (b" Inledning\n\nText.", "text"),
    ],
)
def test_format_is_decided_by_content(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_a_file_named_for_another_format_is_read_by_its_content_and_says_so(tmp_path: Path) -> None:
    text = "Jämställdhetsplan för Testby\n\nKommunen följer upp arbetet varje år med nyckeltal.\n".encode()
    note = "filen heter .pdf men är en textfil och lästes som en sådan"
    prepared = prepare_document(tmp_path, "plan.pdf", text)  # an upload, as the chat and `corpus add` store it
    assert prepared.summary.format == "text" and prepared.summary.notes == (note,)
    (tmp_path / "plan.pdf").write_bytes(text)  # and a file already in the corpus
    assert load_corpus(tmp_path).summaries[0].notes == (note,)
    other = tmp_path / "other"
    other.mkdir()
    assert prepare_document(other, "plan.txt", text).summary.notes == ()
