"""SIGKILL at random moments of adding, removing, restoring and rebuilding: no document lost, no index broken,
and the next start answers from the last good index without a rebuild."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, REPO, FakeEmbedder

from assistant.documents.corpus import document_files
from assistant.documents.library import trash_entries
from assistant.engine import Engine
from assistant.search.corpus_changes import JOURNAL
from assistant.search.index import load_index

KILLS = 50
"""Kills, each at a random moment of one change; about 5 s each on 2 shared cores (a new process to kill)."""
WORKER = Path(__file__).with_name("corpus_worker.py")
PLANS = [
    f"# Plan {n} för jämställdhet\n\nKommun {n} tog fram mål för förskola nummer {n} och följde upp dem varje år.\n"
    * (1 + n)
    for n in range(5)
]


def _contents(corpus: Path) -> set[str]:
    """sha256 of every document in the corpus and in its trash."""
    files = [*document_files(corpus), *(e.path for e in trash_entries(corpus))]
    return {hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def _change(rng: random.Random, corpus: Path, uploads: list[Path]) -> tuple[str, str]:
    """A change that makes sense now: add an upload, remove a document (never the last), restore one, rebuild."""
    present = [p.name for p in document_files(corpus)]
    trashed = [e.name for e in trash_entries(corpus)]
    choices = [("add", str(rng.choice(uploads))), ("rebuild", "")]
    if len(present) > 1:
        choices.append(("remove", rng.choice(present)))
    if trashed:
        choices.append(("restore", rng.choice(trashed)))
    return rng.choice(choices)


@pytest.mark.slow
def test_random_kills_lose_nothing_and_leave_an_index_that_answers(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for name in ("rapport.txt", "README.md"):
        shutil.copy(CORPUS / name, corpus / name)
    uploads = []
    for number, text in enumerate(PLANS):
        path = tmp_path / "uploads" / f"plan{number}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        uploads.append(path)
    Engine(corpus, index, fake_embedder)
    known = _contents(corpus)
    rng = random.Random(20261207)
    environment = dict(os.environ, PYTHONPATH=str(REPO))
    mid_change = 0
    for kill in range(KILLS):
        operation, argument = _change(rng, corpus, uploads)
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(corpus), str(index), operation, argument],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=environment,
        )
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready", f"kill {kill}: the worker did not start"
        time.sleep(rng.uniform(0.0, 1.2))  # a change takes 0.3–2 s here: most kills land inside it
        worker.kill()
        rest = worker.communicate()[0]
        mid_change += "done" not in rest

        engine = Engine(corpus, index, fake_embedder)  # recovers what the kill left
        where = f"kill {kill} ({operation} {Path(argument).name})"
        assert engine.build_reason is None, f"{where}: the next start had to rebuild: {engine.build_reason}"
        assert engine.ask("Hur följde de upp målen?").answer.question, where
        load_index(index)  # raises when a file is missing or the counts disagree
        assert known <= _contents(corpus), f"{where}: a document was lost"
        assert not (corpus / JOURNAL).exists() and not list(corpus.glob(".*.tmp")), where
        known |= _contents(corpus)
    assert mid_change >= KILLS // 2, f"only {mid_change} of {KILLS} kills landed inside a change"
