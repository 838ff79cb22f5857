"""The repository's promises about itself: CI runs the README's test command, verbatim, and ./test installs what
the tests need, then lints, checks formats and types and runs pytest, stopping at the first failure."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import AXE_VERSION, CHROMIUM, REPO

from assistant.search.thesaurus import MYTHES

THESAURUS = str(MYTHES)


def readme_test_command() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.+?)\n```", readme, flags=re.S)
    return next(block for block in blocks if block.startswith("./test"))


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == readme_test_command() == "./test"


STUB = """#!/bin/sh
{ printf '%s' "${0##*/}"; for arg in "$@"; do printf ' [%s]' "$arg"; done; echo; } >> "$LOG"
"""
FAILING_STUB = STUB + "exit 3\n"


def stub(path: Path, text: str = STUB) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def run_test_script(tmp_path: Path, present: bool, failing: str = "") -> tuple[int, list[str]]:
    """Run a copy of ./test among stub programs that log their arguments; its exit code and the log.

    ``present``: chromium, LibreOffice and axe-core are already installed. ``failing``: the one
    ``.venv/bin`` program that fails. The copy looks for chromium at a path under ``tmp_path``.
    """
    repo, bin_dir, chromium = tmp_path / "repo", tmp_path / "bin", tmp_path / "chromium"
    thesaurus = tmp_path / "thesaurus.dat"
    script = (REPO / "test").read_text(encoding="utf-8")
    assert script.count(CHROMIUM) == 1 and script.count(THESAURUS) == 1
    stub(repo / "test", script.replace(CHROMIUM, str(chromium)).replace(THESAURUS, str(thesaurus)))
    for program in ("apt-get", "npm", "python3"):
        stub(bin_dir / program)
    for program in ("pip", "ruff", "mypy", "python"):
        stub(repo / ".venv" / "bin" / program, FAILING_STUB if program == failing else STUB)
    stub(bin_dir / "id", "#!/bin/sh\necho 0\n")
    for program in ("bash", "dirname", "grep"):
        (bin_dir / program).symlink_to(shutil.which(program) or "")
    if present:
        stub(chromium)
        stub(bin_dir / "libreoffice")
        stub(bin_dir / "tesseract", "#!/bin/sh\nprintf 'List of available languages (2):\\neng\\nswe\\n'\n")
        stub(thesaurus)
        stub(repo / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js")
    log = tmp_path / "log"
    log.touch()
    environment = {"PATH": str(bin_dir), "LOG": str(log), "HOME": str(tmp_path)}
    done = subprocess.run([str(bin_dir / "bash"), str(repo / "test"), "-m", "not slow", "-k", "a b"], env=environment)
    return done.returncode, log.read_text(encoding="utf-8").splitlines()


CHECKS = [
    "python3 [-m] [venv] [.venv]",
    "pip [install] [-q] [-e] [.[test]]",
    "ruff [check] [assistant] [tests]",
    "ruff [format] [--check] [assistant] [tests]",
    "mypy",
    "python [-m] [pytest] [-m] [not slow] [-k] [a b]",
]


def test_the_test_script_installs_what_is_missing_then_checks_everything(tmp_path: Path) -> None:
    code, log = run_test_script(tmp_path, present=False)
    assert code == 0
    assert log == [
        "apt-get [update] [-qq]",
        "apt-get [install] [-y] [-qq] [chromium]",
        "apt-get [install] [-y] [-qq] [libreoffice-writer-nogui]",
        "apt-get [install] [-y] [-qq] [tesseract-ocr] [tesseract-ocr-swe]",
        "apt-get [install] [-y] [-qq] [mythes-sv]",
        f"npm [install] [--prefix] [.ci/node] [--no-save] [--no-audit] [--no-fund] [axe-core@{AXE_VERSION}]",
        *CHECKS,
    ]


def test_the_test_script_skips_installs_when_everything_is_present(tmp_path: Path) -> None:
    code, log = run_test_script(tmp_path, present=True)
    assert code == 0
    assert log == CHECKS


@pytest.mark.parametrize(("failing", "steps"), [("pip", 2), ("ruff", 3), ("mypy", 5), ("python", 6)])
def test_a_failing_step_stops_the_test_script(tmp_path: Path, failing: str, steps: int) -> None:
    code, log = run_test_script(tmp_path, present=True, failing=failing)
    assert code == 3
    assert log == CHECKS[:steps]
