"""Documents in and out of the corpus without losing any: safe names, the trash, restoring, and a change a kill
interrupted finished or undone at the next start."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, FakeEmbedder

from assistant.documents.corpus import corpus_fingerprint, document_files, file_sha256
from assistant.documents.library import BUNDLED_REPORT_FILE, trash_entries
from assistant.documents.names import DocumentName, resolve_document
from assistant.engine import Engine
from assistant.errors import InputError
from assistant.search.corpus_changes import JOURNAL, Move, _write_journal, empty_the_trash, recover
from assistant.search.index import read_manifest

TITLE = "På väg mot jämställda och attraktiva kommuner"
PLAN = "# Min titel\n\nKommunen tog fram en handlingsplan med mål för förskolan och skolan.\n"


@pytest.fixture
def own(tmp_path: Path, fake_embedder: FakeEmbedder) -> Engine:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("rapport.txt", "README.md"):
        shutil.copy(CORPUS / name, corpus / name)
    return Engine(corpus, tmp_path / "index", fake_embedder)


def upload(tmp_path: Path, name: str, text: str = PLAN) -> Path:
    folder = tmp_path / "uploads" / str(len(list(tmp_path.glob("uploads/*"))))
    folder.mkdir(parents=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_document_named_readme_is_stored_under_a_new_name_and_indexed(own: Engine, tmp_path: Path) -> None:
    readme = (own.corpus_dir / "README.md").read_bytes()
    change = own.add_documents([upload(tmp_path, "README.md")])
    assert change.renamed == [("README.md", "README-2.md")]
    assert (own.corpus_dir / "README.md").read_bytes() == readme
    assert {d.name: d.title for d in own.documents()} == {"README-2.md": "Min titel", "rapport.txt": TITLE}
    hits = own.ask("Vad gjorde Kalix?").answer.hits
    assert all(hit.passage.title == TITLE for hit in hits if hit.passage.document == "rapport")


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        (".env.md", "env.md"),
        ("RAPPORT.txt", "RAPPORT-2.txt"),
        ("rapport.md", "rapport-2.md"),
        ("readme.MD", "readme-2.MD"),
    ],
)
def test_a_hidden_name_or_one_taken_in_any_case_is_stored_under_a_new_name(
    own: Engine, tmp_path: Path, name: str, stored: str
) -> None:
    report = (own.corpus_dir / "rapport.txt").read_bytes()
    change = own.add_documents([upload(tmp_path, name)])
    assert change.renamed == [(name, stored)] and not change.failures
    assert (own.corpus_dir / stored).is_file()
    assert (own.corpus_dir / "rapport.txt").read_bytes() == report
    assert stored in [d.name for d in own.documents()]


def test_two_files_of_one_upload_with_one_name_both_go_in(own: Engine, tmp_path: Path) -> None:
    first = upload(tmp_path, "plan.md")
    second = upload(tmp_path, "PLAN.md", PLAN.replace("förskolan", "fritids"))
    change = own.add_documents([first, second])
    assert [s.name for s in change.added] == ["plan.md", "PLAN-2.md"]
    assert change.renamed == [("PLAN.md", "PLAN-2.md")]


def test_a_removed_document_goes_to_the_trash_and_comes_back_with_its_passages(own: Engine, tmp_path: Path) -> None:
    own.add_documents([upload(tmp_path, "plan.md")])
    before = {d.name: d.passages for d in own.documents()}
    removed = own.remove_document("Min titel")
    assert [p.name for p in removed.removed] == ["plan.md"]
    assert [d.name for d in own.documents()] == ["rapport.txt"]
    assert [e.name for e in trash_entries(own.corpus_dir)] == ["plan.md"]
    restored = own.restore_document("PLAN")
    assert [p.name for p in restored.restored] == ["plan.md"] and restored.build is not None
    assert {d.name: d.passages for d in own.documents()} == before
    assert trash_entries(own.corpus_dir) == []


def test_a_restored_name_taken_meanwhile_gets_a_new_one(own: Engine, tmp_path: Path) -> None:
    own.add_documents([upload(tmp_path, "plan.md")])
    own.remove_document("plan.md")
    own.add_documents([upload(tmp_path, "plan.md", PLAN.replace("förskolan", "fritids"))])
    change = own.restore_document("plan.md")
    assert change.renamed == [("plan.md", "plan-2.md")]
    assert sorted(p.name for p in document_files(own.corpus_dir)) == ["plan-2.md", "plan.md", "rapport.txt"]


def test_the_bundled_report_can_always_be_restored(own: Engine, tmp_path: Path) -> None:
    own.add_documents([upload(tmp_path, "plan.md")])
    own.remove_document(TITLE)
    own.remove_document("plan")
    assert sorted(e.name for e in empty_the_trash(own.corpus_dir)) == ["plan.md"]
    assert [e.name for e in trash_entries(own.corpus_dir)] == [BUNDLED_REPORT_FILE]
    own.restore_document("rapport")
    assert [d.name for d in own.documents()] == ["rapport.txt"]


def test_restoring_what_the_trash_lacks_names_what_it_holds(own: Engine) -> None:
    own.remove_document("rapport.txt")
    with pytest.raises(
        InputError, match=r"Papperskorgen har inget dokument som heter 'plan'\. Där finns: rapport\.txt"
    ):
        own.restore_document("plan")


def test_one_function_finds_a_document_by_file_name_key_or_title_and_a_file_name_wins() -> None:
    documents = [DocumentName("plan", "plan.md", "Rapport"), DocumentName("rapport", "rapport.txt", TITLE)]
    assert resolve_document(" RAPPORT ", documents).file == "rapport.txt"
    assert resolve_document("pa vag mot jamstallda  och attraktiva kommuner", documents).file == "rapport.txt"
    assert resolve_document("Plan.MD", documents).key == "plan"
    for nothing in ("", "  ", "okänd"):
        with pytest.raises(InputError, match=r"Dokument: plan\.md, rapport\.txt"):
            resolve_document(nothing, [DocumentName("plan", "plan.md", ""), *documents[1:]])


def _interrupted_remove(own: Engine) -> Path:
    """The state a kill leaves between a removal's move and the rebuild that follows it."""
    path = own.corpus_dir / "rapport.txt"
    trash = own.corpus_dir / ".trash"
    trash.mkdir(exist_ok=True)
    target = trash / "2026-12-07T04-00-00.000000Z_rapport.txt"
    _write_journal(own.corpus_dir, "remove", [Move(path, target, path)])
    os.replace(path, target)
    return target


def test_a_change_killed_before_its_rebuild_is_undone_at_the_next_start(own: Engine, fake_embedder) -> None:
    built = read_manifest(own.index_dir)
    target = _interrupted_remove(own)
    again = Engine(own.corpus_dir, own.index_dir, fake_embedder)
    assert again.build_reason is None, "the last good index answers without a rebuild"
    assert (own.corpus_dir / "rapport.txt").is_file() and not target.exists()
    assert not (own.corpus_dir / JOURNAL).exists()
    assert read_manifest(own.index_dir) == built
    assert again.ask("Vad gjorde Kalix?").answer.hits


def test_a_change_killed_after_its_rebuild_is_kept(own: Engine, tmp_path: Path) -> None:
    plan = upload(tmp_path, "plan.md")
    shutil.copy(plan, own.corpus_dir / "plan.md")
    own.rebuild()  # the index follows; then the kill, before the journal was dropped
    moved = own.corpus_dir / "plan.md"
    _write_journal(own.corpus_dir, "add", [Move(own.corpus_dir / ".plan.md.1.tmp", moved, tmp_path / "x")])
    assert recover(own.corpus_dir, own.index_dir) == "kept the interrupted add: the index was already built from it"
    assert moved.is_file()
    assert read_manifest(own.index_dir).corpus.sha256 == corpus_fingerprint(own.corpus_dir)


def test_an_interrupted_upload_goes_to_the_trash_and_its_temporary_file_away(own: Engine) -> None:
    temporary = own.corpus_dir / ".plan.md.99.tmp"
    temporary.write_text(PLAN, encoding="utf-8")
    target = own.corpus_dir / "plan.md"
    undo = own.corpus_dir / ".trash" / "2026-12-07T04-00-00.000000Z_plan.md"
    _write_journal(own.corpus_dir, "add", [Move(temporary, target, undo)])
    os.replace(temporary, target)
    (own.corpus_dir / ".other.md.98.tmp").write_text("halv", encoding="utf-8")
    assert recover(own.corpus_dir, own.index_dir).startswith("undid the interrupted add")
    assert undo.read_text(encoding="utf-8") == PLAN
    assert sorted(p.name for p in own.corpus_dir.iterdir()) == [".lock", ".trash", "README.md", "rapport.txt"]


def test_a_journal_cut_short_is_dropped(own: Engine) -> None:
    (own.corpus_dir / JOURNAL).write_text('{"operation": "rem', encoding="utf-8")
    assert recover(own.corpus_dir, own.index_dir) == "dropped an unfinished journal"
    assert not (own.corpus_dir / JOURNAL).exists()


def test_a_file_is_hashed_again_only_when_it_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    first = file_sha256(path)
    reads: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or original(self))
    assert file_sha256(path) == first and reads == []  # an upload's duplicate check reads no unchanged file
    path.write_text(PLAN + "Ny rad.\n", encoding="utf-8")
    assert file_sha256(path) != first and reads == [path]
