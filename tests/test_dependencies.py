"""Dependencies exactly as imported: every third-party package ``assistant/`` imports is declared, and every
declared one is imported.

Runtime code (everything outside ``assistant/devtools/``) may import only the ``dependencies``; the development
commands may also import the ``test`` extra. Import names map to distributions through the installed metadata
(``PIL`` is Pillow, ``docx`` is python-docx).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "assistant"
DEVTOOLS = PACKAGE / "devtools"
FOR_ANOTHER_PACKAGE = {
    "pdfminer-six": "pdfplumber reads PDFs with it; pinned because its layout analysis decides our passages",
    "tzdata": "zoneinfo's time zones where the system has no time-zone database",
}
"""Declared but never imported, on purpose: each is pinned for another package's sake."""
TOOLS = {"ruff", "mypy"}
"""Test-extra packages run as commands by ./test, not imported."""


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``Pillow``, ``pillow`` and ``PyStemmer`` vs ``pystemmer``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalise(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])


def declared() -> tuple[set[str], set[str]]:
    """The runtime dependencies and the test extra, by normalised name."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {requirement_name(r) for r in project["dependencies"]}
    extra = {requirement_name(r) for r in project["optional-dependencies"]["test"]}
    return runtime, extra


def third_party_imports(path: Path) -> set[str]:
    """Top-level names of the non-standard, non-project modules a file imports (at any depth)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in {"assistant", "__future__"}}


@cache
def installed() -> dict[str, list[str]]:
    """Top-level module → distributions, read once (it walks every installed distribution)."""
    return packages_distributions()


def distributions(module: str) -> set[str]:
    """The distributions that install ``module``; a module not installed here is taken to share its name."""
    return {normalise(d) for d in installed().get(module, [module])}


def imported_by(files: list[Path]) -> dict[str, set[str]]:
    """Each imported top-level module, with the distributions that may provide it."""
    return {module: distributions(module) for path in files for module in third_party_imports(path)}


def package_files(runtime: bool) -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    return [path for path in files if (DEVTOOLS in path.parents) != runtime]


def undeclared(imports: dict[str, set[str]], allowed: set[str]) -> list[str]:
    return sorted(module for module, dists in imports.items() if not dists & allowed)


def test_runtime_code_imports_only_declared_dependencies() -> None:
    runtime, _ = declared()
    imports = imported_by(package_files(runtime=True))
    assert {"numpy", "faiss", "PIL", "huggingface_hub"} <= set(imports)
    assert undeclared(imports, runtime) == []


def test_development_commands_import_only_dependencies_or_the_test_extra() -> None:
    runtime, extra = declared()
    imports = imported_by(package_files(runtime=False))
    assert {"reportlab", "gradio_client", "httpx"} <= set(imports)
    assert undeclared(imports, runtime | extra) == []


def test_no_package_is_declared_twice() -> None:
    runtime, extra = declared()
    assert runtime & extra == set()


def test_every_declared_package_is_imported() -> None:
    runtime, extra = declared()
    package = {
        d for dists in imported_by(package_files(runtime=True) + package_files(runtime=False)).values() for d in dists
    }
    tests = {d for dists in imported_by(sorted((REPO / "tests").glob("*.py"))).values() for d in dists}
    assert sorted(runtime - package - set(FOR_ANOTHER_PACKAGE)) == []
    assert sorted(extra - package - tests - TOOLS) == []
    test_script = (REPO / "test").read_text(encoding="utf-8")
    assert all(f".venv/bin/{tool}" in test_script for tool in TOOLS)


@pytest.mark.parametrize(
    ("module", "distribution"),
    [
        ("PIL", "pillow"),
        ("docx", "python-docx"),
        ("Stemmer", "pystemmer"),
        ("yaml_not_installed", "yaml-not-installed"),
    ],
)
def test_import_names_map_to_distributions(module: str, distribution: str) -> None:
    assert distribution in distributions(module)


def test_the_check_reports_an_undeclared_import(tmp_path: Path) -> None:
    module = tmp_path / "uses.py"
    module.write_text("import json\nfrom PIL import Image\nimport reportlab.lib\nfrom . import sibling\n")
    imports = imported_by([module])
    assert set(imports) == {"PIL", "reportlab"}
    assert undeclared(imports, {"pillow"}) == ["reportlab"]


def test_a_development_command_without_its_package_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.__main__ import main
    from assistant.devtools import packages

    monkeypatch.setattr(packages, "find_spec", lambda module: None if module == "gradio_client" else object())
    assert main(["loadtest"]) != 0
    message = capsys.readouterr().err
    assert "gradio_client" in message and "pip install -e '.[test]'" in message and "Traceback" not in message


def test_packages_other_branches_add_pass_when_declared(tmp_path: Path) -> None:
    """peft and pytesseract are imported by their own names, installed here or not; argon2-cffi as ``argon2``,
    which only its installed metadata can tell (it is, wherever it is declared: ./test installs it)."""
    module = tmp_path / "new.py"
    module.write_text("from peft import LoraConfig\nimport pytesseract\n")
    assert undeclared(imported_by([module]), {"peft", "pytesseract"}) == []
    assert undeclared(imported_by([module]), {"peft"}) == ["pytesseract"]
    if "argon2" not in installed():
        pytest.skip("argon2-cffi is not installed: its import name cannot be mapped here")
    assert distributions("argon2") == {"argon2-cffi"}
