"""Node classification with Permutohedral-GCN, GCN and an MLP on the Geom-GCN splits.

Every model is trained by the same :class:`graphkit.train.Trainer` with the same
options, in this one process, on each dataset and split; the table gives the test
accuracy at the epoch of best validation accuracy, as mean and standard deviation over
the splits.

    python benchmarks/pgcn_real.py --root /path/to/graphs --epochs 200 --patience 50

The graphs keep their edges as stored, which are directed on chameleon, squirrel, actor
and the WebKB graphs. ``--undirected`` adds the reverse edges, as the code of Platonov et
al. (``yandex-research/heterophilous-graphs``) does before training.

Each finished split is printed at once (test accuracy and best epoch per model), so a
run stopped early still leaves its per-split results in the log.

A copy of a read-only root is made by ``load_dataset`` itself.
"""

from __future__ import annotations

import argparse
import copy
import logging
import statistics
import time

import torch

from graphkit.datasets import load_dataset
from graphkit.graph import LocalGraph
from graphkit.train.config import TrainConfig
from graphkit.train.trainer import Trainer, masks_for_split

# Ordered from the cheapest to the most expensive, so partial runs report the small ones.
DATASETS = ("texas", "wisconsin", "cornell", "cora", "chameleon", "actor", "squirrel")
MODELS = ("pgcn", "gcn", "mlp")


def run_split(
    name: str, root: str, split: int, models, options: dict, undirected: bool = False
) -> dict[str, dict]:
    """Train each model on one split and return the trainer's summary by model."""
    dataset = load_dataset(name, root, split=split, to_undirected=undirected)
    data = masks_for_split(dataset, split)
    graph = LocalGraph.from_data(data)
    scores = {}
    for model in models:
        config = TrainConfig(
            dataset=name, root=root, split=split, model=model, **options
        )
        summary = Trainer(config, copy.copy(data), graph).fit()
        scores[model] = summary
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the graph datasets")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument(
        "--splits",
        type=int,
        default=10,
        help="number K of Geom-GCN splits to run, splits 0..K-1 (1 to 10)",
    )
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument(
        "--patience",
        type=int,
        default=50,
        help="stop after this many epochs without a better validation accuracy "
        "(0 disables early stopping)",
    )
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--heads", type=int, default=2, help="global heads of pgcn")
    parser.add_argument(
        "--undirected",
        action="store_true",
        help="add the reverse of every edge (default: the edges as stored)",
    )
    args = parser.parse_args()
    if not 1 <= args.splits <= 10:
        parser.error(
            f"--splits {args.splits} is out of range: give the number of Geom-GCN "
            "splits to run, from 1 to 10"
        )
    logging.basicConfig(level=logging.WARNING)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    options = {
        "epochs": args.epochs,
        "patience": args.patience,
        "hidden": args.hidden,
        "heads": args.heads,
        "log_every": args.epochs,
    }
    edges = "undirected" if args.undirected else "as stored"
    print(f"options: {options}, edges {edges}, splits 0-{args.splits - 1}", flush=True)
    header = "| dataset | " + " | ".join(args.models) + " | seconds |"
    rows = [header, "|" + " --- |" * (len(args.models) + 2)]
    for name in args.datasets:
        start = time.perf_counter()
        results = {model: [] for model in args.models}
        best_epochs = {model: [] for model in args.models}
        for split in range(args.splits):
            summaries = run_split(
                name, args.root, split, args.models, options, args.undirected
            )
            for model, summary in summaries.items():
                results[model].append(100 * summary["test"])
                best_epochs[model].append(summary["best_epoch"])
            line = ", ".join(
                f"{model} {100 * s['test']:.1f} (best epoch {s['best_epoch']})"
                for model, s in summaries.items()
            )
            print(f"{name} split {split}: {line}", flush=True)
        cells = [_mean_std(results[model]) for model in args.models]
        epochs = ", ".join(
            f"{model} {statistics.mean(best_epochs[model]):.0f}"
            for model in args.models
        )
        print(f"{name} mean best epoch: {epochs}", flush=True)
        seconds = time.perf_counter() - start
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {seconds:.0f} |")
        print(rows[-1], flush=True)
    print("\n".join(rows))


def _mean_std(values: list[float]) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.1f} ± {spread:.1f}"


if __name__ == "__main__":
    main()
