"""The repository's promises about itself: CI runs the README's test command, verbatim, and it checks everything."""

from __future__ import annotations

import re

from conftest import CHROMIUM, REPO


def readme_test_command() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.+?)\n```", readme, flags=re.S)
    return next(block for block in blocks if block.startswith("./test"))


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == readme_test_command() == "./test"


def test_the_test_script_installs_what_the_tests_need_and_checks_everything() -> None:
    script = (REPO / "test").read_text(encoding="utf-8")
    for needed in (CHROMIUM, "chromium", "libreoffice-writer-nogui", "axe-core@", "pip install -q -e '.[test]'"):
        assert needed in script
    for check in ("ruff check assistant tests", "ruff format --check assistant tests", "mypy", "pytest"):
        assert check in script
