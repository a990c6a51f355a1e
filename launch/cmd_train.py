"""``graphkit train``: full-batch training in one process or under torchrun/mpiexec."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from graphkit.launch.logs import setup_logging
from graphkit.train.config import TrainConfig, add_config_arguments, config_from_args

logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a GNN full-batch (one process, torchrun or mpiexec)",
        description="Train a GNN full-batch. With no options: GraphSAGE on the embedded "
        "synthetic graph. Under torchrun/mpiexec, or with --partitions, each process "
        "trains on one partition with SAR.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_config_arguments(parser)
    parser.set_defaults(func=run)


def launched_distributed(config: TrainConfig) -> bool:
    """True under torchrun or mpiexec with several processes, or with ``--partitions``."""
    sizes = [os.environ.get(k) for k in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE")]
    return config.partitions is not None or any(s and int(s) > 1 for s in sizes)


def load_local(config: TrainConfig):
    """Load the whole dataset in this process and wrap it in a :class:`LocalGraph`."""
    from graphkit.datasets import load_dataset
    from graphkit.graph import LocalGraph
    from graphkit.train.trainer import masks_for_split

    data = load_dataset(config.dataset, config.root, split=config.split,
                        **config.dataset_options)
    data = masks_for_split(data, config.split)
    return LocalGraph.from_data(data), data


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    setup_logging()
    if launched_distributed(config):
        from graphkit.distributed.runtime import build_partition, init_process_group

        rank, world_size = init_process_group(config.timeout_s)
        setup_logging(rank, world_size)
        graph, data = build_partition(config, rank, world_size)
    else:
        graph, data = load_local(config)
    if config.out:
        Path(config.out).mkdir(parents=True, exist_ok=True)
    from graphkit.train.trainer import Trainer

    logger.info("config: %s", config.to_dict())
    summary = Trainer(config, data, graph).fit()
    if graph.rank == 0:
        print(
            f"test {summary['metric']}: {summary['test']:.4f} "
            f"(best validation {summary['val']:.4f} at epoch {summary['best_epoch']}, "
            f"{summary['epochs_run']} epochs run)",
            flush=True,
        )
    return 0
