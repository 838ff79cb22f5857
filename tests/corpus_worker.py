"""One change to a corpus in its own process, for ``test_kills.py`` to kill at a random moment.

``python tests/corpus_worker.py CORPUS INDEX OPERATION [FILE]``: prints ``ready`` once everything is imported
and the engine loaded, then adds FILE, removes or restores it, or rebuilds, with the fake embedder (the real
model is not what is tested: the file moves, the journal and the build are).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import FakeEmbedder

from assistant.engine import Engine


def main(corpus: str, index: str, operation: str, name: str = "") -> None:
    engine = Engine(Path(corpus), Path(index), FakeEmbedder())  # type: ignore[arg-type]  # the Embedder's interface
    print("ready", flush=True)
    if operation == "add":
        engine.add_documents([Path(name)])
    elif operation == "remove":
        engine.remove_document(name)
    elif operation == "restore":
        engine.restore_document(name)
    else:
        engine.rebuild()
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
