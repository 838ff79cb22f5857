"""Trial (issue #23): does a LoRA on e5-small's encoder beat the linear query adapter, out of fold?

For each cross-validation fold (``examples.folds_by_paraphrase``), a LoRA (``peft``) on the converted default
model is trained for one epoch on the other folds' questions and conversation turns, and the fold's questions
are then scored densely, as retrieval scores them (0.5 passage cosine + 0.5 best sentence cosine, the query
adapter's objective in :mod:`assistant.devtools.adapter_fit`):

- ``base``: the model as shipped, no adapter;
- ``adapter``: today's adapter, fitted on the other folds (what ``assistant tune`` ships);
- ``lora``: the tuned model, no adapter;
- ``lora+adapter``: the tuned model with an adapter refitted on its vectors, on the other folds.

The loss is the adapter's (a softmax over every searchable passage, scored like retrieval) plus a softmax
over every sentence with the question's answer sentences as positives.  Two modes:

- ``query``: only questions go through the tuned model; passages and sentences keep the index's vectors, so
  every passage is a negative at no cost;
- ``symmetric``: passages and sentences go through the tuned model too.  Encoding all of them with gradients
  is too slow on two cores, so each batch re-encodes with gradients its gold passages, its hard negatives
  (the passages the shipped ranker puts above the first gold one) and its answer and hard-negative
  sentences; the rest keep their vectors from the start of the epoch.  After training every passage and
  sentence is re-embedded with the tuned model.

Run from the repository root (heavy: under ``flock /work/wt/heavy.lock``)::

    python -m assistant.devtools.encoder_trial --mode query --folds 0 1 2 3 4 --json trial.jsonl

torch and peft are imported here only; nothing at run time reads this module.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from assistant.devtools.adapter_fit import ADAPTER_SCALE, AdapterFit
from assistant.devtools.evaluate import DEFAULT_CONVERSATIONS, DEFAULT_QUESTIONS, load_conversations, load_questions
from assistant.devtools.examples import FOLDS, Example, examples
from assistant.engine import Engine
from assistant.search.embeddings import Embedder
from assistant.search.model_files import ensure_default_model
from assistant.search.units import passage_text, sentence_units

ADAPTER_STEPS = 179
"""The adapter's Adam steps as ``assistant tune`` chose them on main's folds (assistant/learned/weights.json)."""


def _group(example: Example) -> str:
    return "turn" if example.question.kind else example.question.type


class Encoder:
    """The converted e5-small with a LoRA on its attention (and, optionally, feed-forward) projections."""

    def __init__(self, rank: int, targets: list[str], max_length: int) -> None:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModel, AutoTokenizer

        path = str(ensure_default_model())
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        base = AutoModel.from_pretrained(path)
        config = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0, target_modules=targets)
        self.model = get_peft_model(base, config)
        self.max_length = max_length
        self.torch = torch

    def encode(self, texts: list[str], prefix: str, grad: bool, batch: int = 32) -> Any:
        torch = self.torch
        chunks = []
        for start in range(0, len(texts), batch):
            inputs = self.tokenizer(
                [prefix + t for t in texts[start : start + batch]],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            with torch.set_grad_enabled(grad):
                hidden = self.model(**inputs).last_hidden_state
                mask = inputs["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1)
                chunks.append(torch.nn.functional.normalize(pooled, dim=1))
        return torch.cat(chunks)


class Trial:
    """The development questions' dense scores under the base model, the adapter and a tuned encoder."""

    def __init__(self, engine: Engine, chosen: list[Example], hard: int) -> None:
        import torch

        self.fit = AdapterFit(engine, chosen)
        self.torch = torch
        index = engine.retriever.index
        passages = list(index.passages)
        self.passage_texts = [passage_text(p) for p in passages]
        self.sentence_texts = sentence_units(passages).texts
        self.owner = torch.tensor(np.array(index.sentence_owner))
        self.slot = torch.tensor(np.arange(len(self.owner)) - np.searchsorted(self.owner.numpy(), self.owner.numpy()))
        self.sentences = torch.tensor(np.asarray(index.sentence_vectors), dtype=torch.float32)
        self.base = (self.fit.queries.clone(), self.fit.passages.clone(), self.sentences.clone())
        rows = self.fit.rows
        self.groups = [_group(e) for e in rows]
        self.answers = torch.zeros((len(rows), len(self.sentence_texts)), dtype=torch.bool)
        for r, example in enumerate(rows):
            gold = self.fit.gold[r].nonzero().flatten().tolist()
            for s in np.flatnonzero(np.isin(self.owner.numpy(), gold)):
                if any(a in self.sentence_texts[s] for a in example.question.answers):
                    self.answers[r, s] = True
        self.hard = [self._above_gold(engine, e, r, hard) for r, e in enumerate(rows)]

    def _above_gold(self, engine: Engine, example: Example, row: int, hard: int) -> list[int]:
        """Up to ``hard`` passages the shipped ranker puts above the first gold one."""
        ranking = engine.retriever.rank(example.query, example.filters)
        order = ranking.found.positions[np.argsort(-ranking.score, kind="stable")]
        gold = self.fit.gold[row].numpy()
        above = []
        for position in order:
            if gold[position]:
                break
            above.append(int(position))
        return above[:hard]

    def use(self, queries: Any, passages: Any, sentences: Any) -> None:
        """Score with these vectors (queries of every row; every passage and sentence)."""
        fit = self.fit
        fit.queries, fit.passages, self.sentences = queries, passages, sentences
        fit.padded = self.torch.zeros_like(fit.padded)
        fit.padded[self.owner, self.slot] = sentences

    def hits(self, select: np.ndarray, adapter: np.ndarray | None) -> list[bool]:
        """Whether each selected row's best-scored passage is gold."""
        torch = self.torch
        fit = self.fit
        with torch.no_grad():
            queries = fit.queries[select]
            if adapter is not None:
                queries = torch.nn.functional.normalize(queries @ torch.tensor(adapter).T, dim=1)
            sentence = torch.einsum("qd,pkd->qpk", queries, fit.padded).masked_fill(~fit.valid, -1.0).amax(dim=2)
            score = (0.5 * queries @ fit.passages.T + 0.5 * sentence).masked_fill(~fit.allowed, -1e9)
            best = score.argmax(dim=1)
            return [bool(fit.gold[r, b]) for r, b in zip(select, best.tolist(), strict=True)]

    def loss(self, queries: Any, select: np.ndarray, passages: Any, padded: Any, sentences: Any) -> Any:
        """The adapter's passage softmax plus a sentence softmax with answer sentences as positives."""
        torch = self.torch
        fit = self.fit
        sentence = torch.einsum("qd,pkd->qpk", queries, padded).masked_fill(~fit.valid, -1.0).amax(dim=2)
        logits = (ADAPTER_SCALE * (0.5 * queries @ passages.T + 0.5 * sentence)).masked_fill(~fit.allowed, -1e9)
        positives = logits.masked_fill(~fit.gold[select], -1e9)
        passage_loss = (torch.logsumexp(logits, 1) - torch.logsumexp(positives, 1)).mean()
        answered = self.answers[select].any(dim=1)
        if not answered.any():
            return passage_loss
        s_logits = ADAPTER_SCALE * queries[answered] @ sentences.T
        s_positives = s_logits.masked_fill(~self.answers[select][answered], -1e9)
        return passage_loss + (torch.logsumexp(s_logits, 1) - torch.logsumexp(s_positives, 1)).mean()


def train(trial: Trial, encoder: Encoder, inside: np.ndarray, args: argparse.Namespace) -> None:
    """One epoch of the LoRA on the rows ``inside``, in shuffled batches."""
    torch = trial.torch
    fit = trial.fit
    texts = [e.query.search_text for e in fit.rows]
    params = [p for p in encoder.model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    order = np.random.default_rng(args.seed).permutation(inside)
    _, base_passages, base_sentences = trial.base
    encoder.model.train()
    for start in range(0, len(order), args.batch):
        select = order[start : start + args.batch]
        queries = encoder.encode([texts[r] for r in select], "query: ", grad=True)
        passages, sentences = base_passages, base_sentences
        if args.mode == "symmetric":
            chosen_p = sorted(
                {int(p) for r in select for p in fit.gold[r].nonzero().flatten()}
                | {p for r in select for p in trial.hard[r]}
            )
            answer_s = trial.answers[select].any(dim=0).nonzero().flatten().tolist()
            with torch.no_grad():
                top = (queries.detach() @ base_sentences.T).masked_fill(trial.answers[select], -2.0)
            hard_s = top.topk(args.hard_sentences, dim=1).indices.flatten().tolist()
            chosen_s = sorted(set(answer_s) | set(hard_s))
            p_vectors = encoder.encode([trial.passage_texts[p] for p in chosen_p], "passage: ", grad=True, batch=8)
            s_vectors = encoder.encode([trial.sentence_texts[s] for s in chosen_s], "passage: ", grad=True)
            passages = base_passages.index_put((torch.tensor(chosen_p),), p_vectors)
            sentences = base_sentences.index_put((torch.tensor(chosen_s),), s_vectors)
        padded = torch.zeros_like(fit.padded).index_put((trial.owner, trial.slot), sentences)
        value = trial.loss(queries, select, passages, padded, sentences)
        optimiser.zero_grad()
        value.backward()
        optimiser.step()
        print(f"  batch {start // args.batch + 1}: loss {float(value):.3f}", flush=True)
    encoder.model.eval()


def share(hits: list[bool]) -> float:
    return round(sum(hits) / max(1, len(hits)), 3)


def by_group(trial: Trial, select: np.ndarray, hits: list[bool]) -> dict[str, float]:
    found: dict[str, list[bool]] = {}
    for r, hit in zip(select, hits, strict=True):
        found.setdefault(trial.groups[r], []).append(hit)
    return {group: share(h) for group, h in sorted(found.items())}


def run_fold(trial: Trial, fold: int, args: argparse.Namespace) -> dict[str, Any]:
    torch = trial.torch
    fit = trial.fit
    inside, outside = np.flatnonzero(fit.folds != fold), np.flatnonzero(fit.folds == fold)
    trial.use(*trial.base)
    results: dict[str, Any] = {"fold": fold, "questions": len(outside)}
    hits = {"base": trial.hits(outside, None), "adapter": trial.hits(outside, fit.without(fold, ADAPTER_STEPS))}
    started = time.perf_counter()
    torch.manual_seed(args.seed)
    encoder = Encoder(args.rank, args.targets, args.max_length)
    train(trial, encoder, inside, args)
    trained = time.perf_counter()
    texts = [e.query.search_text for e in fit.rows]
    with torch.no_grad():
        queries = encoder.encode(texts, "query: ", grad=False)
        if args.mode == "symmetric":
            passages = encoder.encode(trial.passage_texts, "passage: ", grad=False, batch=8)
            sentences = encoder.encode(trial.sentence_texts, "passage: ", grad=False)
        else:
            passages, sentences = trial.base[1], trial.base[2]
    trial.use(queries, passages, sentences)
    hits["lora"] = trial.hits(outside, None)
    hits["lora+adapter"] = trial.hits(outside, fit.without(fold, ADAPTER_STEPS))
    results["seconds"] = {"train": round(trained - started), "total": round(time.perf_counter() - started)}
    results["hit@1"] = {name: share(h) for name, h in hits.items()}
    results["by_group"] = {name: by_group(trial, outside, h) for name, h in hits.items()}
    results["counts"] = dict(Counter(trial.groups[r] for r in outside))
    trial.use(*trial.base)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=("query", "symmetric"), default="query")
    parser.add_argument("--folds", type=int, nargs="+", default=list(range(FOLDS)))
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--targets", nargs="+", default=["query", "value"])
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--hard", type=int, default=3, help="hard-negative passages per question (symmetric)")
    parser.add_argument("--hard-sentences", type=int, default=2, help="hard-negative sentences per question")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="append each fold's figures to this JSON Lines file")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    engine = Engine(Path("corpus"), Path("index"), Embedder())
    passages = engine.retriever.index.passages
    chosen = examples(
        engine, load_questions(DEFAULT_QUESTIONS, passages), load_conversations(DEFAULT_CONVERSATIONS, passages)
    )
    trial = Trial(engine, chosen, args.hard)
    print(f"{len(trial.fit.rows)} rows, {len(trial.passage_texts)} passages, {len(trial.sentence_texts)} sentences")
    for fold in args.folds:
        result = run_fold(trial, fold, args) | {"settings": {k: v for k, v in vars(args).items() if k != "json"}}
        result["settings"] = {k: str(v) if isinstance(v, Path) else v for k, v in result["settings"].items()}
        print(json.dumps(result, ensure_ascii=False), flush=True)
        if args.json:
            with args.json.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
