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


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_import_points_to_the_same_or_an_earlier_stage() -> None:
    violations = []
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 15
    for path in modules:
        name = module_name(path)
        if name == "assistant":
            continue
        for target in imported_modules(path):
            if stage_of(target) > stage_of(name):
                violations.append(f"{name} imports {target}")
    assert violations == []


def test_the_check_catches_an_upward_import() -> None:
    assert stage_of("assistant.search.index") > stage_of("assistant.documents.corpus")
    assert stage_of("assistant.devtools.loadtest") > stage_of("assistant.interfaces.cli")
    assert stage_of("assistant.interfaces.chat") == stage_of("assistant.interfaces.cli")
