"""``graphkit partition``: split a dataset into N partition files for distributed training."""

from __future__ import annotations

import argparse
import logging
import time

from graphkit.launch.logs import setup_logging

logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "partition",
        help="split a dataset into partition files (one per training process)",
        description="Partition a dataset's nodes with METIS (or at random), renumber them "
        "so each partition owns a contiguous range, and write one file per partition "
        "plus meta.json (ranges, edge cut, halo sizes, checksums) into --out.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--dataset", default="synthetic", help="dataset name")
    parser.add_argument(
        "--root", default=None, help="data folder (default: $GRAPHKIT_DATA)"
    )
    parser.add_argument("--parts", type=int, required=True, help="number of partitions")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--method",
        choices=("metis", "random"),
        default="metis",
        help="partitioning algorithm",
    )
    parser.add_argument(
        "--balance-train",
        action="store_true",
        help="METIS: balance training nodes as well as nodes",
    )
    parser.add_argument(
        "--split",
        type=int,
        default=None,
        help="keep only this split of datasets with several (default: all)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of METIS or random")
    parser.add_argument(
        "--dataset-options",
        type=_mapping,
        default={},
        help="extra loader arguments as YAML, e.g. '{num_nodes: 100000}'",
    )
    parser.set_defaults(func=run)


def _mapping(text: str) -> dict:
    import yaml

    value = yaml.safe_load(text)
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(
            f"expected a mapping like '{{num_nodes: 1000}}', got {text!r}"
        )
    return value


def run(args: argparse.Namespace) -> int:
    setup_logging()
    from graphkit.datasets import load_dataset
    from graphkit.distributed.files import write_partitions
    from graphkit.distributed.partition import partition_nodes

    if args.parts < 1:
        logger.error("--parts must be at least 1, got %d", args.parts)
        return 2
    start = time.perf_counter()
    data = load_dataset(
        args.dataset, args.root, split=args.split, **args.dataset_options
    )
    train_mask = getattr(data, "train_mask", None) if args.balance_train else None
    parts = partition_nodes(
        data.edge_index, data.num_nodes, args.parts, args.method, train_mask, args.seed
    )
    info = {
        "dataset": args.dataset,
        "method": args.method,
        "seed": args.seed,
        "split": args.split,
        "balance_train": args.balance_train,
    }
    meta = write_partitions(data, parts, args.parts, args.out, info)
    print(
        f"wrote {args.parts} partitions of {args.dataset} to {args.out}: "
        f"{meta['num_nodes']} nodes, {meta['num_edges']} edges, edge cut {meta['edge_cut']}, "
        f"halo sizes {meta['halo_sizes']} ({time.perf_counter() - start:.1f} s)",
        flush=True,
    )
    return 0
