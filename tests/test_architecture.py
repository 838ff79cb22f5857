"""The package's stages import one way: documents → search → reply → engine → interfaces → devtools."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
STAGES = [
    ("assistant.config", "assistant.errors"),
    ("assistant.documents",),
    ("assistant.search",),
    ("assistant.reply",),
    ("assistant.engine",),
    ("assistant.interfaces",),
    ("assistant.devtools",),
    ("assistant.__main__",),
]
"""Each stage may import its own and earlier stages only; ``__main__`` puts the interfaces and devtools together."""


def stage_of(module: str) -> int:
    for number, prefixes in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return number
    raise AssertionError(f"{module} belongs to no stage; add it to STAGES")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            found |= {node.module} if node.module != "assistant" else {f"assistant.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("assistant")}
    return found


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def upward_imports(package: Path) -> list[str]:
    """Every import in the package directory ``package`` that points to a later stage, as "a imports b"."""
    violations = []
    for path in sorted(package.rglob("*.py")):
        name = module_name(path, package)
        if name == "assistant":
            continue
        for target in sorted(imported_modules(path)):
            if stage_of(target) > stage_of(name):
                violations.append(f"{name} imports {target}")
    return violations


def test_every_import_points_to_the_same_or_an_earlier_stage() -> None:
    assert len(list(PACKAGE.rglob("*.py"))) > 15
    assert upward_imports(PACKAGE) == []


def write_package(root: Path, modules: dict[str, str]) -> Path:
    """A package named ``assistant`` under ``root`` with the given modules (relative path → source)."""
    for relative, source in modules.items():
        path = root / "assistant" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root / "assistant"


ONE_WAY = {
    "__init__.py": "",
    "documents/__init__.py": "",
    "documents/corpus.py": "from assistant.errors import InputError\n",
    "search/index.py": "from assistant.documents import corpus\nimport assistant.search.lexical\n",
    "devtools/bench.py": "from assistant.interfaces.chat import free_port\n",
}
"""A small package whose every import points to its own or an earlier stage."""


def test_the_check_passes_a_package_that_imports_one_way(tmp_path: Path) -> None:
    assert upward_imports(write_package(tmp_path, ONE_WAY)) == []


def test_the_check_reports_an_upward_import(tmp_path: Path) -> None:
    upward = {
        "documents/corpus.py": "from assistant.errors import InputError\nfrom assistant.search import index\n",
        "reply/answer.py": "from assistant import engine\n",
    }
    assert upward_imports(write_package(tmp_path, ONE_WAY | upward)) == [
        "assistant.documents.corpus imports assistant.search",
        "assistant.reply.answer imports assistant.engine",
    ]
