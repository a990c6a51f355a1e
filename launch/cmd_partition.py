"""``graphkit partition``: split a dataset into N partition files for distributed training."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from graphkit.atomic_files import temporary_stem
from graphkit.launch.interrupts import describe_interrupt, sigterm_as_interrupt
from graphkit.launch.logs import (
    RANK_VARIABLES,
    SIZE_VARIABLES,
    launcher_rank,
    launcher_world_size,
    setup_logging,
)
from graphkit.launch.option_types import count_option, seed_option
from graphkit.launch.outputs import path_option

logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "partition",
        help="split a dataset into partition files (one per training process)",
        description="Partition a dataset's nodes with METIS (or at random), renumber them "
        "so each partition owns a contiguous range, and write one file per partition "
        "plus meta.json (ranges, edge cut, halo sizes, checksums, and the size, mtime and "
        "SHA-256 of edge-list files, which graphkit train checks) into --out.",
    )
    parser.add_argument(
        "--dataset",
        default="synthetic",
        metavar="NAME",
        help="dataset name, or the path of an edge-list file (default: synthetic)",
    )
    parser.add_argument(
        "--root",
        default=None,
        metavar="DIR",
        help="data folder (default: $GRAPHKIT_DATA)",
    )
    parser.add_argument(
        "--parts",
        type=count_option(1),
        required=True,
        metavar="N",
        help="number of partitions, one per training process",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=path_option,
        metavar="DIR",
        help="output folder; it must be new or empty unless --overwrite is given",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an earlier partition folder (one with a meta.json) at --out",
    )
    parser.add_argument(
        "--method",
        choices=("metis", "random"),
        default="metis",
        help="partitioning algorithm (default: metis)",
    )
    parser.add_argument(
        "--balance-train",
        action="store_true",
        help="METIS: also bring each partition's training nodes (of any split) within "
        "3%% of an equal share, by swaps that keep the node counts",
    )
    parser.add_argument(
        "--split",
        type=count_option(0),
        default=None,
        metavar="K",
        help="keep only split K of datasets with several (default: all splits)",
    )
    parser.add_argument(
        "--seed", type=seed_option, default=0, help="seed of METIS or random (default: 0)"
    )
    parser.add_argument(
        "--dataset-options",
        type=yaml_mapping,
        default={},
        metavar="YAML",
        help="extra loader arguments as a YAML mapping, e.g. '{num_nodes: 100000}' "
        "(default: none)",
    )
    parser.set_defaults(func=run)


def yaml_mapping(text: str) -> dict:
    """Parse a YAML mapping option such as --dataset-options; raise ArgumentTypeError."""
    # The loader of graphkit train, so that both commands read 5e-1 as a float.
    from graphkit.train.config import DuplicateKeyError, load_yaml

    import yaml

    detail = ""
    try:
        value = load_yaml(text)
    except DuplicateKeyError as error:
        # The text is a mapping, so the message names the repeated key instead.
        raise argparse.ArgumentTypeError(f"{error.problem} in {text!r}") from None
    except yaml.YAMLError as error:
        value = None  # Invalid YAML gets the same one-line message as a non-mapping.
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None)
        if problem and mark is not None:
            detail = f" (invalid YAML at character {mark.column + 1}: {problem})"
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(
            f"expected a mapping like '{{num_nodes: 1000}}', got {text!r}{detail}"
        )
    return value


def check_output_folder(out: Path, overwrite: bool) -> None:
    """Raise ValueError when ``out`` cannot receive a new partition folder.

    ``out`` may be missing or an empty folder. A non-empty folder is accepted only with
    ``overwrite``, so that an earlier partitioning is never replaced by accident. It
    must also contain a ``meta.json`` (an earlier partition folder), so that
    ``--out . --overwrite`` or a folder of several partitionings is never emptied.
    """
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder; choose another --out")
    if not out.is_dir():
        _check_can_create_beside(out)
        return
    entries = sorted(path.name for path in out.iterdir())
    if entries and not overwrite:
        raise ValueError(
            f"--out {out} already contains files; pass --overwrite to replace them or "
            "choose another --out folder"
        )
    if entries and "meta.json" not in entries:
        listed = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise ValueError(
            f"--out {out} is not a partition folder (it has no meta.json but contains "
            f"{listed}), and --overwrite only replaces a folder written by graphkit "
            "partition. Choose a new --out folder, or empty this one yourself"
        )
    if overwrite:
        _reject_protected_entries(out)
        _reject_running_training(out)
    _check_can_create_beside(out)


# Files that graphkit train writes into --out. A run whose --out is the partition
# folder itself keeps them there.
TRAIN_OUTPUTS = ("metrics.jsonl", "best_model.pt", "checkpoint_*.pt")


def _reject_protected_entries(out: Path) -> None:
    """Raise ValueError when ``--overwrite`` would delete more than old partitions.

    Replacing ``out`` deletes everything in it. Loose files are deleted too, but a
    subfolder (such as the ``--out`` of a training run inside the partition folder)
    or a run's checkpoints and metrics must be moved out first.
    """
    protected = sorted(
        path.name
        for path in out.iterdir()
        if path.is_dir() or any(path.match(pattern) for pattern in TRAIN_OUTPUTS)
    )
    if not protected:
        return
    listed = ", ".join(protected[:3]) + (", ..." if len(protected) > 3 else "")
    raise ValueError(
        f"--out {out} contains {listed}, which --overwrite would delete with the old "
        "partitions. --overwrite replaces only partition files and loose files, never "
        "a folder or a training run's checkpoints and metrics. Move them out of "
        f"{out}, or choose a new --out folder"
    )


def _reject_running_training(out: Path) -> None:
    """Raise ValueError when a running ``graphkit train`` locks ``out`` as its ``--out``.

    Such a run writes its metrics.jsonl only after its first epoch. Until then
    :func:`_reject_protected_entries` finds nothing to keep, and replacing the folder
    would delete the files that the run writes next.
    """
    import fcntl

    try:
        descriptor = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        # graphkit train cannot lock such a folder either (see graphkit.train.out_lock).
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ValueError(
            f"--out {out} is the --out folder of a graphkit train process that is still "
            "running, and --overwrite would delete the files that it writes. Wait for "
            "that run to end and move its files out, or choose a new --out folder"
        ) from None
    except OSError:
        return  # a file system without locks, where graphkit train runs unlocked
    finally:
        os.close(descriptor)


def _reject_inputs_inside(out: Path, args: argparse.Namespace) -> None:
    """Raise ValueError when ``--overwrite`` would delete an input file of this run.

    Replacing ``out`` deletes its loose files after the dataset is read. An edge list
    or a features or labels file kept in the old partition folder would be lost, and
    the new ``meta.json`` would record a source file that no longer exists.
    """
    if not out.is_dir():
        return
    folder = Path(os.path.realpath(out))
    inputs = [("--dataset", args.dataset)]
    inputs += [
        (f"--dataset-options {key}", args.dataset_options.get(key))
        for key in ("path", "features", "labels")
    ]
    for option, value in inputs:
        if not isinstance(value, (str, os.PathLike)):
            continue
        # The edge-list loader also finds a relative file under --root.
        paths = [Path(value).expanduser()]
        if args.root is not None:
            paths.append(Path(args.root).expanduser() / value)
        for path in paths:
            if path.is_file() and Path(os.path.realpath(path)).is_relative_to(folder):
                raise ValueError(
                    f"{option} {value} is a file inside --out {out}, which "
                    "--overwrite replaces, so the input file would be deleted. Move "
                    f"it out of {out}, or choose a new --out folder"
                )


def _check_can_create_beside(out: Path) -> None:
    """Raise ValueError unless a folder can be created where ``out``'s sibling goes.

    The partitions are written into a temporary sibling of ``out``, after the dataset
    is loaded and partitioned. A read-only or missing location would otherwise fail
    only then, naming the temporary folder instead of ``--out``.
    """
    # The nearest existing folder, because the missing parents are created too. For a
    # symbolic link that is the folder of its target, as in write_folder_atomically.
    folder = Path(os.path.realpath(out)).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".check", dir=folder))
    except OSError as error:
        raise ValueError(
            f"--out {out} cannot be created: making a folder in {folder} failed "
            f"({error.strerror or error}). Choose a writable --out location"
        ) from error


def write_folder_atomically(out: Path, write, overwrite: bool = True) -> dict:
    """Run ``write(folder)`` on a temporary sibling of ``out``, then rename it to ``out``.

    Without ``overwrite``, an ``out`` that another process filled meanwhile (the same
    command run twice at once) is kept, and ValueError is raised.

    An interrupted or failed run removes the temporary folder and leaves ``out`` as it
    was, so ``out`` is never a half-written partition folder. A run killed outright
    (SIGKILL, or SIGTERM outside :func:`sigterm_as_interrupt`) can leave the hidden
    ``.NAME.*.tmp`` sibling behind, never ``out``.

    When ``out`` is a symbolic link, the folder is written next to the link's target
    and replaces the target, so the link keeps pointing at the new partitions.
    Renaming the link itself would put the files on the link's file system and leave
    the link behind as a hidden ``.old`` sibling.
    """
    out = Path(os.path.realpath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(
        tempfile.mkdtemp(
            prefix=f"{temporary_stem(out.name)}.", suffix=".tmp", dir=out.parent
        )
    )
    # mkdtemp gives mode 0700; the finished folder gets the umask's mode like mkdir.
    umask = os.umask(0)
    os.umask(umask)
    temporary.chmod(0o777 & ~umask)
    previous = temporary.with_name(temporary.name[: -len(".tmp")] + ".old")
    try:
        result = write(temporary)
        if overwrite and out.exists():
            # Both renames stay in one folder, so each is atomic on POSIX file systems.
            out.rename(previous)
        try:
            # Without overwrite, out is missing or empty. rename(2) replaces an empty
            # folder but fails on one that another process has filled since.
            temporary.rename(out)
        except OSError as error:
            if overwrite or error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            raise ValueError(
                f"--out {out} was filled by another process while this one worked "
                "(the same command run twice at once?), so its files are kept and "
                "this run's partitions are discarded. Pass --overwrite to replace "
                "them, or choose another --out folder"
            ) from error
    except BaseException:
        if previous.exists() and not out.exists():
            previous.rename(out)
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    return result


def _recorded_name(dataset: str) -> str:
    """Return the dataset name for meta.json: the absolute path of an edge-list file.

    graphkit train compares it with its own --dataset, which may spell the same file
    another way or run from another working directory.
    """
    from graphkit.datasets.registry import canonical_name

    path = Path(dataset).expanduser()
    if canonical_name(dataset) is None and path.is_file():
        return str(path.resolve())
    return dataset


def _warn_untrainable(data, dataset: str) -> None:
    """Warn when the dataset lacks the node features or labels that graphkit train reads."""
    missing = [name for name in ("x", "y") if getattr(data, name, None) is None]
    if missing:
        logger.warning(
            "dataset %s has no %s, so graphkit train cannot train on these partitions. "
            "For an edge list pass --dataset-options '{features: FILE, labels: FILE}'",
            dataset,
            " and no ".join(f"data.{name}" for name in missing),
        )


def run(args: argparse.Namespace) -> int:
    setup_logging()
    if args.parts < 1:
        raise ValueError(f"--parts must be at least 1, got {args.parts}")
    if args.balance_train and args.method != "metis":
        raise ValueError(
            f"--balance-train refines a METIS partition, but --method is {args.method!r}. "
            "Pass --method metis or drop --balance-train."
        )
    rank, world_size = launcher_rank(), launcher_world_size()
    if rank != 0 and world_size > 1:
        # Only rank 0 partitions. Otherwise every rank would partition the whole graph,
        # and the ranks that finish after the first would fail because --out is no
        # longer empty.
        logger.warning(
            "skipping: this process is rank %d of %d (from %s and %s), and rank 0 "
            "writes the partitions to %s. If no launcher started this process, unset "
            "those variables",
            rank,
            world_size,
            "/".join(RANK_VARIABLES),
            "/".join(SIZE_VARIABLES),
            args.out,
        )
        return 0
    if rank != 0:
        # A launcher sets a world size too, so a lone rank variable is ignored.
        logger.warning(
            "a rank variable (%s) gives rank %d but no world size above 1 is set (%s), "
            "so this process partitions alone",
            "/".join(RANK_VARIABLES),
            rank,
            "/".join(SIZE_VARIABLES),
        )
    out = Path(args.out)
    check_output_folder(out, args.overwrite)
    if args.overwrite:
        _reject_inputs_inside(out, args)
    earlier = out.is_dir() and any(out.iterdir())
    start = time.perf_counter()
    try:
        meta = _partition(args, out)
    except KeyboardInterrupt as error:
        # write_folder_atomically renames the finished folder in one step, and its
        # cleanup has run by now, so --out is as it was before the run.
        if earlier:
            describe_interrupt(error, kept=f"--out {out} is left as it was")
        else:
            describe_interrupt(error, kept=f"--out {out} was not written")
        raise
    print(
        f"wrote {args.parts} partition{'' if args.parts == 1 else 's'} of "
        f"{args.dataset} to {args.out}: "
        f"{meta['num_nodes']} nodes, {meta['num_edges']} edges, edge cut {meta['edge_cut']}, "
        f"halo sizes {meta['halo_sizes']} ({time.perf_counter() - start:.1f} s)",
        flush=True,
    )
    return 0


def _partition(args: argparse.Namespace, out: Path) -> dict:
    """Load, partition and write the dataset of ``args`` into ``out``.

    Returns the content of meta.json.
    """
    from graphkit.datasets import load_dataset
    from graphkit.distributed.files import write_partitions
    from graphkit.distributed.partition import partition_nodes
    from graphkit.distributed.source import describe_source

    # Recorded before loading, so a file that changes during the load counts as
    # changed for graphkit train, which compares this record with the files on disk.
    source = describe_source(args.dataset, args.root, args.dataset_options)
    # pyg_data=False: the synthetic graph comes as GraphTensors, without importing PyG.
    data = load_dataset(
        args.dataset,
        args.root,
        split=args.split,
        pyg_data=False,
        **args.dataset_options,
    )
    _warn_untrainable(data, args.dataset)
    train_mask = getattr(data, "train_mask", None) if args.balance_train else None
    if args.balance_train and train_mask is None:
        raise ValueError(
            f"--balance-train needs training nodes, but dataset {args.dataset!r} has no "
            "train_mask. Use a dataset with labels, which gives it a split, or drop "
            "--balance-train."
        )
    if train_mask is not None and train_mask.dim() == 2 and train_mask.size(1) > 1:
        # partition_nodes balances the nodes that train in any split.
        covered = float(train_mask.bool().any(1).double().mean())
        logger.warning(
            "--balance-train spreads the training nodes of all %d splits of %s "
            "together (%.0f%% of the nodes), so the training nodes of any one split "
            "may stay unbalanced. Pass --split K to balance the split you train on",
            train_mask.size(1),
            args.dataset,
            100 * covered,
        )
    parts = partition_nodes(
        data.edge_index, data.num_nodes, args.parts, args.method, train_mask, args.seed
    )
    info = {
        "dataset": _recorded_name(args.dataset),
        "method": args.method,
        "seed": args.seed,
        "split": args.split,
        "balance_train": args.balance_train,
        "source": source,
    }
    # Checked again: another process may have filled the folder while this one worked.
    check_output_folder(out, args.overwrite)
    # cli.run turns SIGTERM into an interrupt, but main() called from Python does not,
    # and this process must remove its temporary folder.
    with sigterm_as_interrupt():
        return write_folder_atomically(
            out,
            lambda folder: write_partitions(data, parts, args.parts, folder, info),
            overwrite=args.overwrite,
        )
