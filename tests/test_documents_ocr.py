"""Scanned pages read by OCR (Tesseract's Swedish model): a page made from a known text, and the real scan.

The known page is typeset, rasterised at 200 dpi (an office scanner's usual setting) and stored turned a
quarter as a scan is (landscape, ``/Rotate 270``), so the test reads what a scanner gives.  OCR takes
seconds a page: these tests read one or two pages each (run them under ``flock /work/wt/heavy.lock``).
"""

from __future__ import annotations

import difflib
import re
from io import BytesIO

import pypdfium2
import pytest
from conftest import INSTALL, SHARED_DOCUMENTS, needs_shared_documents
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from assistant.documents import pdf_ocr
from assistant.documents.corpus import parse_document
from assistant.errors import UnreadableDocument

pytestmark = pytest.mark.skipif(
    not pdf_ocr.tesseract_ready(),
    reason=f"Tesseract with its Swedish model is not installed; {INSTALL}apt-get install -y "
    "tesseract-ocr tesseract-ocr-swe",
)

KNOWN = [
    "Jämställdhet i kommunens verksamhet",
    "Länets alla fjorton kommuner har undertecknat den europeiska",
    "deklarationen för jämställdhet. För att omvandla åtagandena till",
    "praktisk handling har kommunerna fått processtöd och kunskapsstöd",
    "för att integrera jämställdhet i styrning, ledning och verksamhet.",
    "Stödet har bestått av processledning, föredrag och workshoppar med",
    "externa experter, samt erfarenhetsutbyte med andra kommuner.",
    "Kommunerna har uppmuntrats att pröva nya arbetssätt och skapa",
    "långsiktiga processer, med avstamp i tidigare kunskaper.",
    "Budgeten för år 2021 var 450 000 kronor, varav hälften till utbildning.",
]
WORD_ACCURACY = 0.95
SCAN_DPI = 200


def _typeset() -> bytes:
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 770, KNOWN[0])
    page.setFont("Helvetica", 11)
    for number, line in enumerate(KNOWN[1:]):
        page.drawString(72, 730 - 16 * number, line)
    page.save()
    return buffer.getvalue()


def _scanned(text_pdf: bytes) -> bytes:
    """The page as a picture only, stored landscape and shown upright by ``/Rotate 270`` (as the real scan)."""
    document = pypdfium2.PdfDocument(text_pdf)
    image = document[0].render(scale=SCAN_DPI / 72, grayscale=True).to_pil()
    document.close()
    stored = image.rotate(-90, expand=True)  # shown turned 270° clockwise, it stands upright again
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=landscape(A4))
    page.drawImage(ImageReader(stored), 0, 0, *landscape(A4))
    page.save()
    turned = pypdfium2.PdfDocument(buffer.getvalue())
    turned[0].set_rotation(270)
    out = BytesIO()
    turned.save(out)
    return out.getvalue()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def word_accuracy(reference: list[str], read: list[str]) -> float:
    """The share of the reference's words read, in order (matching blocks of a diff)."""
    matcher = difflib.SequenceMatcher(a=reference, b=read, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(reference)


def test_a_scanned_page_is_read_in_swedish_and_marked() -> None:
    scan = _scanned(_typeset())
    assert not any(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(scan))  # no text layer
    parsed = parse_document("inskannad", scan)
    read = " ".join(p.text for p in parsed.passages)
    accuracy = word_accuracy(_words(" ".join(KNOWN)), _words(read))
    assert accuracy >= WORD_ACCURACY, (accuracy, read)
    assert "Länets alla fjorton kommuner har undertecknat den europeiska deklarationen för jämställdhet" in read
    assert parsed.title == KNOWN[0]  # the scan's first lines, up to the first gap
    assert all(p.reading == "ocr" and "(OCR-läst)" in p.citation for p in parsed.passages)
    assert parsed.notes == ["s. 1: inskannad, läst med textigenkänning (OCR); jämför siffror och namn med originalet"]


def test_without_tesseract_a_scan_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_ocr.shutil, "which", lambda _: None)
    with pytest.raises(UnreadableDocument, match="sudo apt-get install tesseract-ocr tesseract-ocr-swe"):
        parse_document("inskannad", _scanned(_typeset()))


@needs_shared_documents
def test_the_typewritten_scan_is_read_with_its_words() -> None:
    """Two pages of the 1990 accounts (14 scanned pages, stored landscape with /Rotate 270)."""
    document = pypdfium2.PdfDocument((SHARED_DOCUMENTS / "kalmarnation_bokslut1990_skannad.pdf").read_bytes())
    two = pypdfium2.PdfDocument.new()
    two.import_pages(document, [1, 4])  # the management report and the income statement
    buffer = BytesIO()
    two.save(buffer)
    parsed = parse_document("kalmarnation", buffer.getvalue())
    text = " ".join(p.text for p in parsed.passages)
    assert "Ekonomisk förvaltningsberättelse Kalmar Nation 1990" in text
    # the income statement is a table aligned by spaces: its rows read as facts under "1990 (1989)"
    assert "Inskrivnings- och terminsavgifter – 1990: 66 033,00; (1989): (53 241,00)." in text
    assert {p.reading for p in parsed.passages} == {"ocr"}
