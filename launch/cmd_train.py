"""``graphkit train``: full-batch training in one process or under torchrun/mpiexec."""

from __future__ import annotations

import argparse
import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from graphkit.launch.interrupts import describe_interrupt
from graphkit.launch.logs import launcher_world_size, setup_logging
from graphkit.launch.outputs import check_output_folder_path
from graphkit.launcher import ranks_share_one_machine
from graphkit.option_names import option

# Only torch-free modules are imported at module level, because building the parser
# imports this module for every command, --help included.
from graphkit.train.config import TrainConfig, add_config_arguments, config_from_args

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a GNN full-batch (one process, torchrun or mpiexec)",
        description="Train a GNN full-batch. With no options: GraphSAGE on the embedded "
        "synthetic graph. With several processes under torchrun/mpiexec, or with "
        "--partitions, each process trains on one partition (aggregation as set by "
        "--mode).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_config_arguments(parser)
    parser.set_defaults(func=run)


def launched_distributed(config: TrainConfig) -> bool:
    """Return whether to train distributed: with ``--partitions`` or several processes.

    Several processes means a world size above 1 from torchrun, mpiexec or srun, as
    :func:`graphkit.launcher.launcher_world_size` reads it for every graphkit part.
    """
    return config.partitions is not None or launcher_world_size() > 1


def load_local(config: TrainConfig, device: torch.device | str = "cpu"):
    """Load the whole dataset, move it to ``device`` and wrap it in a :class:`LocalGraph`."""
    from graphkit.datasets import load_dataset

    from graphkit.graph import LocalGraph
    from graphkit.train.trainer import masks_for_split

    # pyg_data=False: the synthetic graph comes as GraphTensors, without importing PyG.
    data = load_dataset(
        config.dataset,
        config.root,
        split=config.split,
        pyg_data=False,
        **config.dataset_options,
    )
    data = masks_for_split(data, config.split).to(device)
    return LocalGraph.from_data(data), data


def check_out_folder(out: Path, resume: str | None) -> None:
    """Raise ValueError, before any work, if ``--out`` cannot take this run.

    The check fails when ``--out`` or one of its parents is a file, or when ``--out``
    contains an earlier run's records and ``--resume`` does not continue that run.

    Every rank checks, because every rank reads ``--out`` to resume. Ranks that share
    one machine find the same problem, so only rank 0 prints it.
    """
    try:
        check_output_folder_path(out, "--out")
        from graphkit.train.checkpoint import check_no_earlier_run, resumes_in_place

        if not resumes_in_place(out, resume):
            check_no_earlier_run(out, resume)
    except ValueError as error:
        error.every_rank = ranks_share_one_machine()
        raise


def build_config(args: argparse.Namespace) -> TrainConfig:
    """Build the run's config, or raise the error of an invalid option or config file.

    Ranks on one machine get the same command line and read the same ``--config`` file,
    so they find the same error, and only rank 0 prints it.
    """
    try:
        if args.config is not None and not args.config.strip():
            # config_from_args skips a false --config, so an unset shell variable in
            # --config "$FILE" would train with the defaults instead.
            raise ValueError(
                f"--config is empty ({args.config!r}). Pass a YAML file of options, or "
                "leave --config out"
            )
        return config_from_args(args)
    except (ValueError, OSError) as error:
        error.every_rank = ranks_share_one_machine()
        raise


def run(args: argparse.Namespace) -> int:
    config = build_config(args)
    setup_logging()
    if config.out:
        check_out_folder(Path(config.out), config.resume)
    from graphkit.distributed.device import select_device

    distributed = launched_distributed(config)
    if config.model == "pgcn" and launcher_world_size() > 1:
        error = ValueError(
            "--model pgcn attends over all nodes, so it trains in one process only. Run "
            "graphkit train without torchrun or mpiexec, and without --partitions"
        )
        error.every_rank = True  # Every rank raises it, so only rank 0 prints it.
        raise error
    device, backend = select_device(config.device, config.backend, distributed)
    if not distributed:
        warn_compression_without_peers(config)
        warn_unused_partitioning(config, world_size=1)
        logger.info("training on %s", device)
        try:
            graph, data = load_local(config, device)
            return train(config, graph, data)
        except KeyboardInterrupt as error:
            describe_interrupt(
                error, *interrupt_report(config, getattr(error, "epoch", None))
            )
            raise
    import torch.distributed as dist
    from graphkit.distributed import runtime
    from graphkit.distributed.comm import PeerLostError

    from graphkit.memory import malloc_setting, use_mmap_for_large_allocations

    if malloc_setting() == "mmap":
        # Freed activations and halo buffers go back to the system at once, which lowers
        # the peak memory and costs page-fault time. In one measurement (a 50k-node,
        # 3-layer GraphSAGE step in one process) the peak fell from 1210 to 725 MiB and
        # CPU time rose by about 30%. GRAPHKIT_MALLOC=default keeps glibc's behaviour.
        use_mmap_for_large_allocations()

    # Stop only a process group started here, so a caller that started its own (a test,
    # or a script that calls main() after init_process_group) keeps it. A group left
    # running in a pytest process would be inherited by every worker forked later.
    started_here = not dist.is_initialized()
    rank, world_size = runtime.init_process_group(config.timeout_s, backend, device)
    finished = False
    try:
        setup_logging(rank, world_size)
        logger.info("training on %s with backend %s", device, backend)
        graph, data = runtime.build_partition(config, rank, world_size, pyg_data=False)
        if world_size == 1:
            # A --partitions folder with one partition also runs in one process.
            warn_compression_without_peers(config)
        warn_unused_partitioning(config, world_size)
        if config.partitions:
            check_partition_fields(config.partitions, data)
        code = train(config, graph, data)
        finished = True
        return code
    except KeyboardInterrupt as error:
        # Rank 0 writes --out, and cli.run prints this from rank 0 only.
        describe_interrupt(
            error, *interrupt_report(config, getattr(error, "epoch", None))
        )
        raise
    except PeerLostError as error:
        raise lost_peer_error(config, error) from error
    finally:
        if started_here:
            runtime.destroy_process_group(synchronize=finished)


def warn_compression_without_peers(config: TrainConfig) -> None:
    """Warn that the compression options set do nothing in a run of one process.

    A process without peers sends no halo rows. The warning names ``--compression``
    and each other compression option set to a non-default (``--compression-eval``,
    ``--compression-bits``, ...).
    """
    from graphkit.distributed.compression.control import changed_compression_options

    ignored = changed_compression_options(config)
    if config.compression != "none":
        ignored.insert(0, option("compression", config.compression))
    if not ignored:
        return
    logger.warning(
        "%s %s ignored: a run in one process sends no halo rows. "
        "Start several processes (torchrun --nproc_per_node=N or mpiexec -n N) "
        "to compress what the ranks send each other",
        ", ".join(ignored),
        "is" if len(ignored) == 1 else "are",
    )


def warn_unused_partitioning(config: TrainConfig, world_size: int) -> None:
    """Warn when a run in one process has a non-default ``--mode`` or ``--parts-method``.

    One process has no peers to exchange halo rows with, and it does not split the
    graph, so neither option changes the run. With ``--partitions``, the partition
    loader already warns that the folder's split replaces ``--parts-method``.
    """
    if world_size != 1:
        return
    defaults = {field.name: field.default for field in dataclasses.fields(TrainConfig)}
    if config.mode != defaults["mode"]:
        logger.warning(
            "%s is ignored: a run in one process exchanges no halo rows. Start "
            "several processes (torchrun --nproc_per_node=N or mpiexec -n N) to "
            "train in this mode",
            option("mode", config.mode),
        )
    if config.parts_method != defaults["parts_method"] and not config.partitions:
        logger.warning(
            "%s is ignored: a run in one process does not split the graph",
            option("parts_method", config.parts_method),
        )


# The fields that graphkit train reads from a partition folder.
PARTITION_FIELDS = {"x": "node features", "y": "labels"}


def check_partition_fields(folder: str, data) -> None:
    """Raise when the partitions in ``folder`` lack the features or labels training needs.

    ``graphkit partition`` writes whatever fields the dataset has, so an edge list read
    without ``features`` or ``labels`` gives partitions that cannot train. The trainer's
    own message would suggest ``--dataset-options``, which ``--partitions`` ignores.
    Every rank's file has the same fields, so every rank raises, and rank 0 prints.
    """
    missing = [name for name in PARTITION_FIELDS if getattr(data, name, None) is None]
    if not missing:
        return
    absent_fields = " and ".join(
        f"{PARTITION_FIELDS[name]} (data.{name})" for name in missing
    )
    error = ValueError(
        f"the partitions in {folder} contain no {absent_fields}, which training "
        "needs, because graphkit partition read a dataset without them. Partition "
        "again with them, "
        "for an edge list: graphkit partition --dataset EDGES --dataset-options "
        f"'{{features: FILE, labels: FILE}}' --parts N --out {folder} --overwrite"
    )
    error.every_rank = True
    raise error


def logged_config(config: TrainConfig) -> dict:
    """Return the config as logged: with ``--partitions``, without unused dataset options.

    The partition folder fixes the graph, and the dataset it contains is logged when
    the folder is read. ``dataset`` stays when it was given, since it was checked against
    the folder.
    """
    shown = config.to_dict()
    if config.partitions:
        for name in ("root", "dataset_options"):
            shown.pop(name)
        if config.dataset == "synthetic":
            shown.pop("dataset")
    return shown


def train(config: TrainConfig, graph, data) -> int:
    """Train on ``graph``, print the test score from rank 0 and return the exit code."""
    out = Path(config.out) if config.out else None
    created = out is not None and not out.exists()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    from graphkit.train.trainer import Trainer

    logger.info("config: %s", logged_config(config))
    trainer = None
    try:
        trainer = Trainer(config, data, graph)
        summary = trainer.fit()
    except BaseException as error:
        # A run that fails before writing anything leaves no empty folder behind.
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
        if isinstance(error, KeyboardInterrupt) and trainer is not None:
            error.epoch = trainer.epoch  # interrupt_report names this epoch
        raise
    if graph.rank == 0:
        print(
            f"test {summary['metric']}: {summary['test']:.4f} "
            f"(best validation {summary['val']:.4f} at epoch {summary['best_epoch']}, "
            f"{summary['epochs_run']} epoch{'' if summary['epochs_run'] == 1 else 's'} "
            "run)",
            flush=True,
        )
    return 0


def lost_peer_error(config: TrainConfig, error: Exception) -> Exception:
    """Return a copy of ``error`` whose message adds what to do and what ``--out`` keeps.

    ``error`` is a ``PeerLostError``, and the copy has its type.
    """
    _, saved = interrupt_report(config, None)
    # The store's own error text may end in a question mark.
    text = str(error).rstrip()
    end = "" if text.endswith((".", "?", "!")) else "."
    # A sentence that starts with the --out path keeps the path's own case.
    if not (config.out and saved.startswith(str(Path(config.out)))):
        saved = saved[0].upper() + saved[1:]
    return type(error)(
        f"{text}{end} Read the other ranks' output for the cause. {saved}"
    )


def interrupt_report(config: TrainConfig, epoch: int | None) -> tuple[str, str]:
    """Return where an interrupted run stopped and what its ``--out`` folder keeps.

    ``epoch`` is the trainer's epoch when the interrupt came (the one running, or the
    last finished), or ``None`` before the trainer existed. The checkpoint named is the
    newest one on disk. A checkpoint is written in one atomic rename, so it is complete.
    """
    from graphkit.train.checkpoint import latest_checkpoint

    if epoch is None:
        where = "before training started"
    elif epoch == 0:
        where = "before the first epoch"
    else:
        where = f"at epoch {epoch}"
    if not config.out:
        return where, "nothing was saved, because --out is not set"
    out = Path(config.out)
    if not out.is_dir() or not any(out.iterdir()):
        return where, f"nothing was written to {out}"
    checkpoint = latest_checkpoint(out)
    if checkpoint is not None:
        saved = int(checkpoint.stem.removeprefix("checkpoint_"))
        return where, (
            f"the checkpoint of epoch {saved} is in {out}, resume with --resume auto"
        )
    if not (out / "metrics.jsonl").is_file():
        return where, f"{out} contains no checkpoint or metrics.jsonl of this run"
    return where, (
        f"{out} contains metrics.jsonl but no checkpoint (--checkpoint-every K writes "
        "them), so --resume auto starts that run again from epoch 1"
    )
