"""The repository's promises about itself: CI runs the README's test command, verbatim."""

from __future__ import annotations

import re

from conftest import REPO


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.+?)\n```", readme, flags=re.S)
    command = next(block for block in blocks if "pytest" in block)
    assert "ruff check" in command and "ruff format --check" in command and "mypy" in command
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == command
