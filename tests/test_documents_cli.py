"""``assistant corpus add | list | remove``: documents in and out, the index following, bad files named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, run_cli

from assistant.devtools.typeset import REPORT_TITLE
from assistant.documents.corpus import document_files, load_corpus
from assistant.search.bridges import vector_words
from assistant.search.units import passage_text, sentence_units


@pytest.mark.slow  # asks through the CLI: the real model in a subprocess
def test_add_list_ask_and_remove(tmp_path: Path, typeset: dict[str, Path]) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(CORPUS / "rapport.txt", corpus / "rapport.txt")
    printed = tmp_path / "rapport-tryck.pdf"
    shutil.copy(typeset["pdf2"], printed)
    scanned = tmp_path / "inskannad.pdf"
    scanned.write_bytes(b"%PDF-1.4\n%%EOF\n")
    places = ("--corpus", str(corpus), "--index", str(index))

    added = run_cli("corpus", "add", str(printed), str(scanned), str(CORPUS / "rapport.txt"), *places)
    assert added.returncode == 1
    assert f"Lade till rapport-tryck.pdf: ”{REPORT_TITLE}” (PDF, 65 stycken, 18 citat, 12 tips)." in added.stdout
    assert "Fel: inskannad.pdf: PDF-filen" in added.stderr
    assert "Fel: rapport.txt: rapport.txt finns redan i korpusen (samma innehåll som rapport.txt)." in added.stderr
    assert "Indexet byggt ur 2 dokument: 130 stycken" in added.stdout
    assert [p.name for p in document_files(corpus)] == ["rapport-tryck.pdf", "rapport.txt"]

    listing = json.loads(run_cli("corpus", "--corpus", str(corpus), "list", "--json").stdout)
    assert [(d["name"], d["title"], d["format"], d["passages"]) for d in listing["documents"]] == [
        ("rapport-tryck.pdf", REPORT_TITLE, "pdf", 65),
        ("rapport.txt", "rapport", "text", 65),
    ]
    table = run_cli("corpus", "list", "--corpus", str(corpus)).stdout
    assert table.splitlines()[0].split() == ["Dokument", "Titel", "Format", "Sidor", "Stycken", "Citat", "Tips"]

    asked = json.loads(run_cli("ask", "--json", "--document", "rapport-tryck", "Vad gjorde Kalix?", *places).stdout)
    assert {(r["document"], r["title"]) for r in asked["results"]} == {("rapport-tryck", REPORT_TITLE)}
    assert asked["results"][0]["citation"].startswith(f"{REPORT_TITLE}, ")

    removed = run_cli("corpus", "remove", REPORT_TITLE.upper(), *places)
    assert removed.returncode == 0, removed.stderr
    assert (
        "Tog bort rapport-tryck.pdf" in removed.stdout and "Indexet byggt ur 1 dokument: 65 stycken" in removed.stdout
    )
    assert "den ligger i papperskorgen (assistant corpus restore rapport-tryck.pdf)." in removed.stdout
    trash = json.loads(run_cli("corpus", "trash", "--json", "--corpus", str(corpus)).stdout)
    assert [entry["name"] for entry in trash] == ["rapport-tryck.pdf"]

    restored = run_cli("corpus", "restore", "RAPPORT-TRYCK", *places)
    assert restored.returncode == 0, restored.stderr
    assert "Återställde rapport-tryck.pdf ur papperskorgen." in restored.stdout
    assert "Indexet byggt ur 2 dokument: 130 stycken" in restored.stdout
    assert (corpus / "rapport-tryck.pdf").is_file()
    assert run_cli("corpus", "remove", "rapport-tryck.pdf", *places).returncode == 0
    emptied = run_cli("corpus", "empty-trash", "--corpus", str(corpus))
    assert "Raderade rapport-tryck.pdf" in emptied.stdout
    assert json.loads(run_cli("corpus", "trash", "--json", "--corpus", str(corpus)).stdout) == []
    report = load_corpus(CORPUS).passages
    texts = [passage_text(p) for p in report]
    reused = len(texts) + len(sentence_units(report).texts) + len(vector_words(texts))
    assert f"(0 nya vektorer, {reused} ur cachen" in removed.stdout


def test_remove_unknown_document_names_the_ones_there(tmp_path: Path) -> None:
    result = run_cli("corpus", "remove", "saknas", "--corpus", str(CORPUS), "--index", str(tmp_path))
    assert result.returncode == 1
    assert "Fel: Det finns inget dokument som heter 'saknas'. Dokument: rapport.txt." in result.stderr
