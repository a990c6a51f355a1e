"""This rank's partition for training, read from a partition folder or cut in memory.

:func:`build_partition` reads this rank's file written by ``graphkit partition``, after
checking that the folder fits the world size, ``--dataset``, ``--split`` and the source
files on every rank. Without a folder, every rank loads the whole dataset and
partitions it the same way. Either way it returns this rank's :class:`ShardedGraph`
and the owned nodes' data. :mod:`graphkit.distributed.runtime` re-exports these names.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from graphkit.distributed.comm import Communicator
from graphkit.distributed.files import (
    PartitionFileError,
    check_world_size,
    load_partition,
    part_file_name,
    read_metadata,
)
from graphkit.distributed.partition import (
    partition_nodes,
    partition_payloads,
    partition_summary,
)
from graphkit.distributed.sharded import ShardedGraph
from graphkit.distributed.source import check_source, same_file
from graphkit.option_names import from_command_line, option

logger = logging.getLogger(__name__)


def payload_to(payload, device: torch.device | str):
    """Move every tensor of ``payload``, also inside lists and dicts, to ``device``."""
    if isinstance(payload, torch.Tensor):
        return payload.to(device)
    if isinstance(payload, dict):
        return {key: payload_to(value, device) for key, value in payload.items()}
    if isinstance(payload, (list, tuple)):
        return type(payload)(payload_to(value, device) for value in payload)
    return payload


def _payload_data(payload: dict, split: int | None):
    """Collect the owned nodes' ``x``, ``y`` and masks in a ``GraphTensors`` (one split).

    ``GraphTensors`` offers the ``Data`` attributes that the trainer reads without
    importing PyG. That saves each training process about 0.65 CPU s (torch 2.13,
    PyG 2.8, section "Command start-up" of docs/benchmarks.md).
    """
    from graphkit.datasets.graph_tensors import GraphTensors
    from graphkit.train.trainer import masks_for_split

    data = GraphTensors(num_nodes=int(payload["global_ids"].numel()))
    for name in ("x", "y", "train_mask", "val_mask", "test_mask"):
        if name in payload:
            data[name] = payload[name]
    data.global_ids = payload["global_ids"]
    return masks_for_split(data, split)


def _load_checked(comm: Communicator, folder: str, rank: int, world_size: int) -> dict:
    """Load this rank's file. If any rank fails, every rank raises an error naming it."""
    payload, failure = None, None
    try:
        payload = load_partition(folder, rank, world_size)
    except PartitionFileError as error:
        failure = error
    flags = torch.zeros(world_size, device=comm.device)
    flags[rank] = float(failure is not None)
    comm.all_reduce(flags, label="setup")
    if failure is not None:
        raise failure
    failed = flags.nonzero().flatten().tolist()
    if failed:
        names = ", ".join(f"rank {r}: {part_file_name(r)}" for r in failed)
        raise PartitionFileError(
            f"partition files of other ranks are invalid ({names} in {folder}); see their errors"
        )
    return payload


def _partition_in_memory(
    config, comm: Communicator, rank: int, world_size: int
) -> dict:
    """Load the whole dataset, partition it (identically on every rank), keep one part."""
    from graphkit.datasets import load_dataset
    from graphkit.train.trainer import masks_for_split

    data = load_dataset(
        config.dataset,
        config.root,
        split=config.split,
        pyg_data=False,
        **config.dataset_options,
    )
    data = masks_for_split(data, config.split)
    train_mask = getattr(data, "train_mask", None)
    parts = partition_nodes(
        data.edge_index,
        data.num_nodes,
        world_size,
        config.parts_method,
        train_mask,
        config.seed,
    )
    # METIS is deterministic for a fixed seed, but rank 0's partition vector is broadcast anyway so a
    # difference between machines cannot split the graph inconsistently.
    # The broadcast runs on the group's device, but partitioning stays on the CPU.
    parts = comm.broadcast(parts.to(comm.device), src=0, label="setup").cpu()
    summary = partition_summary(data.edge_index, parts, world_size)
    logger.info(
        "partitioned %s into %d parts with %s: edge cut %d, halo sizes %s",
        config.dataset,
        world_size,
        config.parts_method,
        summary["edge_cut"],
        summary["halo_sizes"],
    )
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    return payload


def check_dataset(meta: dict, config) -> None:
    """Reject partitions of another dataset than the one named with ``--dataset``.

    The trainer's default dataset (``synthetic``) means "not given". The partition
    folder then decides what is trained, and the log names that dataset. Names are
    compared as ``load_dataset`` reads them, so case, ``_`` or ``-`` and aliases such
    as ``film`` for ``actor`` do not matter. An edge-list path matches the recorded
    absolute path when both resolve to one file, or by file name where this machine
    lacks either file.
    """
    from graphkit.datasets.registry import canonical_name

    recorded = meta.get("dataset")
    logger.info("partitions in %s hold dataset %s", config.partitions, recorded)
    if recorded is None or config.dataset == "synthetic":
        return
    if (canonical_name(config.dataset) or config.dataset) == (
        canonical_name(str(recorded)) or recorded
    ):
        return
    if same_file(config.dataset, str(recorded)):
        return
    # A rank on a machine without the file (another node) can compare names only.
    given, recorded_path = Path(config.dataset).expanduser(), Path(str(recorded))
    if (
        not given.is_file()
        and recorded_path.is_absolute()
        and given.name == recorded_path.name
    ):
        return
    raise PartitionFileError(
        f"{config.partitions} contains partitions of dataset {recorded!r}, but "
        f"{option('dataset')} is {config.dataset!r}; pass {option('dataset', recorded)} "
        f"or run graphkit partition for {config.dataset} into another folder",
        every_rank=True,
    )


def check_dataset_on_every_rank(comm, meta: dict, config, rank: int) -> None:
    """Run :func:`check_dataset` on every rank and raise on all of them if one fails.

    The check reads each rank's own file system, so ranks on different machines may
    disagree. A rank that raised alone would leave the others waiting in the next
    collective, so one all-reduce counts the ranks that failed.
    """
    problem = None
    try:
        check_dataset(meta, config)
    except PartitionFileError as error:
        problem = error
    failed = torch.tensor([float(problem is not None)], device=comm.device)
    comm.all_reduce(failed, label="setup")
    failing = int(failed.item())
    if failing == 0:
        return
    if problem is not None:
        # Ranks that disagree raise different errors, so each rank reports its own.
        problem.every_rank = failing == comm.world_size
        raise problem
    raise PartitionFileError(
        f"{failing} other rank(s) found that {option('dataset')} {config.dataset!r} "
        f"does not name the dataset of the partitions in {config.partitions}; see "
        "their errors"
    )


def check_split(meta: dict, config, mask_dim: int) -> None:
    """Raise PartitionFileError when the partitions contain one split other than ``--split``.

    ``graphkit partition --split K`` stores split ``K`` as 1-D masks, and a dataset
    with a single split has 1-D masks too. ``masks_for_split`` selects a column of 2-D
    masks only. Without this check the run would train on the stored split while its
    log names ``config.split``.

    Args:
        meta (dict): the folder's ``meta.json``. Its ``split`` is None when
            ``graphkit partition`` kept every split or did not record it.
        config: the trainer's ``TrainConfig``.
        mask_dim (int): dimension of this partition's ``train_mask`` (1 or 2).
    """
    recorded = meta.get("split")
    if config.split is None or mask_dim != 1 or recorded == config.split:
        return
    if recorded is None and config.split == 0:
        return  # A dataset with one split accepts split 0, as ``select_split`` does.
    if recorded is None:
        # From Python, split=None is the default that leaves the split out.
        default = f"leave {option('split')} out" if from_command_line() else "split=None"
        stored, fix = "one split only (1-D masks)", f"Pass {option('split', 0)} or {default}"
    else:
        stored, fix = f"split {recorded} only", f"Pass {option('split', recorded)}"
    raise PartitionFileError(
        f"{option('split', config.split)} was requested, but {config.partitions} contains "
        f"{stored}. {fix}, or run graphkit partition --split {config.split} into "
        "another folder",
        every_rank=True,
    )


def _load_folder(config, comm: Communicator, rank: int, world_size: int) -> dict:
    """Check the folder ``config.partitions`` on every rank, then load this rank's file."""
    meta = read_metadata(config.partitions)
    check_world_size(meta, world_size, config.partitions)
    check_dataset_on_every_rank(comm, meta, config, rank)
    check_source(comm, meta, config, rank)
    _warn_ignored_options(config, meta, rank)
    payload = _load_checked(comm, config.partitions, rank, world_size)
    # Every rank's masks have the same dimension, so all ranks raise together.
    if "train_mask" in payload:
        check_split(meta, config, payload["train_mask"].dim())
    return payload


def _warn_ignored_options(config, meta: dict, rank: int) -> None:
    """Warn on rank 0 about options that a partition folder overrides."""
    if config.dataset_options and rank == 0 and "source" not in meta:
        # A folder of an older graphkit partition: its options are unknown.
        logger.warning(
            "%s are ignored: the graph comes from the partitions in %s. Pass the "
            "options to graphkit partition instead",
            option("dataset_options", config.dataset_options),
            config.partitions,
        )
    if config.parts_method != "metis" and rank == 0:
        logger.warning(
            "%s is ignored: the partitions in %s are fixed. Pass --method %s to "
            "graphkit partition instead",
            option("parts_method", config.parts_method),
            config.partitions,
            config.parts_method,
        )


def build_partition(config, rank: int, world_size: int, *, pyg_data: bool = True):
    """Build this rank's :class:`ShardedGraph` and the owned nodes' data.

    Args:
        config: the trainer's ``TrainConfig``: ``partitions`` (folder written by
            ``graphkit partition``, or None to load ``dataset`` on every rank and keep
            partition ``rank``), ``mode``, ``parts_method``, ``seed``, ``split`` and the
            dataset options.
        rank (int), world_size (int): from :func:`init_process_group`.
        pyg_data (bool): With False, ``data`` is a
            :class:`~graphkit.datasets.graph_tensors.GraphTensors`, so that
            ``torch_geometric`` is not imported (``graphkit train`` does this). Default
            True: a PyG ``Data``, which PyG transforms and methods accept.

    Returns:
        ``(graph, data)`` on the group's device. ``data`` contains ``x``, ``y``, 1-D
        masks and ``global_ids`` of the owned nodes only.

    Raises:
        PartitionFileError: the folder contains a different number of partitions than
            ``world_size``, some rank's file is missing or corrupted, the folder
            contains one split and ``config.split`` names another, or a source file
            or ``--dataset-options`` changed since partitioning
            (:mod:`graphkit.distributed.source`).
    """
    # Imported here because runtime imports this module.
    from graphkit.distributed.runtime import communicator

    comm = communicator()
    if config.partitions:
        payload = _load_folder(config, comm, rank, world_size)
    else:
        payload = _partition_in_memory(config, comm, rank, world_size)
    # load_partition returns CPU tensors, so the payload moves to the device once, here.
    payload = payload_to(payload, comm.device)
    graph = ShardedGraph.from_partition(comm, payload, config.mode)
    from graphkit.distributed.compression import compression_from_config

    graph.compression = compression_from_config(config, comm)
    data = _payload_data(payload, config.split)
    logger.info(
        "partition %d of %d: %d nodes, halo of %d rows, mode %s",
        rank,
        world_size,
        graph.num_nodes,
        sum(graph.halo.recv_counts) - graph.num_nodes,
        config.mode,
    )
    return graph, data.to_pyg() if pyg_data else data
