"""Fine-tuning non-regression of ULTRA on GraIL FB15k-237 v1.

Loads ``ultra_3g``, evaluates zero-shot on the inference graph (test queries =
``fb237_v1_ind/valid.txt`` + ``test.txt``), fine-tunes on the training graph
(``fb237_v1/train.txt``) for a short budget, then evaluates again on the same test
queries and on the training graph's validation queries.

Usage::

    python benchmarks/ultra_finetune.py --root DATA/kg --checkpoint DATA/ultra/ultra_3g.pth \\
        --steps 100 --out finetune.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main() -> None:
    import torch

    from graphkit.kg import Ultra, evaluate, finetune, load_dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--split", default="fb237_v1")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--negatives", type=int, default=256)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    split = load_dataset(args.root, args.split)
    model = Ultra.from_pretrained(args.checkpoint)
    before_test = evaluate(model, split.test, batch_size=32)
    before_valid = evaluate(model, split.train, batch_size=32)
    started = time.perf_counter()
    losses = finetune(
        model,
        split.train.graph,
        steps=args.steps,
        batch_size=args.batch_size,
        num_negatives=args.negatives,
        lr=args.lr,
        seed=args.seed,
    )
    train_seconds = time.perf_counter() - started
    after_test = evaluate(model, split.test, batch_size=32)
    after_valid = evaluate(model, split.train, batch_size=32)
    record = {
        "split": args.split,
        "steps": args.steps,
        "batch_size": args.batch_size,
        "negatives": args.negatives,
        "lr": args.lr,
        "seed": args.seed,
        "train_seconds": train_seconds,
        "first_losses": losses[:5],
        "last_losses": losses[-5:],
        "test_before": before_test,
        "test_after": after_test,
        "valid_before": before_valid,
        "valid_after": after_valid,
        "test_mrr_change": after_test["mrr"] - before_test["mrr"],
    }
    print(json.dumps(record, indent=2))
    print(
        f"test MRR {before_test['mrr']:.4f} -> {after_test['mrr']:.4f} "
        f"(change {record['test_mrr_change']:+.4f}), Hits@10 {before_test['hits@10']:.4f} "
        f"-> {after_test['hits@10']:.4f}; valid MRR {before_valid['mrr']:.4f} -> "
        f"{after_valid['mrr']:.4f}; {args.steps} steps in {train_seconds:.0f} s"
    )
    if args.out is not None:
        args.out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
