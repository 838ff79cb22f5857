"""Which number a person sees printed on each page of a PDF.

Three sources, in order of trust:

1. the numbers in the page's running header or footer, when one offset from
   the page index fits most pages ("2 Statistiska centralbyrån" on the third
   page, "SID 3 (25)" on the fourth): index + offset is the printed number;
2. the PDF's own page labels (``/PageLabels``), when they are numbers —
   trusted less, because a magazine's pages cut out of an issue keep labels
   that no longer match what is printed on them;
3. the page's position in the file.

A document of up to three pages may print its number on one page only (a
magazine's spread). Pages before the first numbered page (a cover, offset + index < 1) get no label.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter

import pdfplumber

log = logging.getLogger(__name__)

SHORT_DOCUMENT = 3
"""A document this short (an article cut out of a magazine) may show its number on one page only."""


def pdf_page_labels(pdf: pdfplumber.PDF) -> list[int | None] | None:
    """The PDF's ``/PageLabels`` as numbers (None for a page labelled otherwise); None when it has none."""
    try:
        labels = list(itertools.islice(pdf.doc.get_page_labels(), len(pdf.pages)))
    except Exception:  # pdfminer raises PDFNoPageLabels, or fails on a damaged tree
        return None
    numbers = [int(label) if label.isdigit() else None for label in labels]
    return numbers if any(n is not None for n in numbers) else None


def printed_labels(
    edge_numbers: list[list[int]], bare_numbers: list[int | None], pdf_labels: list[int | None] | None
) -> list[int | None]:
    """Per page its printed number.

    ``edge_numbers`` holds the numbers found in each page's header and footer rows, ``bare_numbers`` a
    row that is a page number alone ("12", "– 12 –", "Sida 12 av 40"), which counts twice.
    """
    count = len(edge_numbers)
    votes: Counter[int] = Counter()
    for index, (numbers, bare) in enumerate(zip(edge_numbers, bare_numbers, strict=True)):
        for number in set(numbers):
            votes[number - index] += 2 if number == bare else 1
    pages_with_numbers = sum(1 for numbers in edge_numbers if numbers)
    if votes:
        offset, score = votes.most_common(1)[0]
        if score >= pages_with_numbers / 2 and (score >= 2 or count <= SHORT_DOCUMENT):
            return [index + offset if index + offset >= 1 else None for index in range(count)]
    if pdf_labels is not None:
        return list(pdf_labels)
    return list(range(1, count + 1))
