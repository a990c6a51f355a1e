"""CPU time of commands on Planetoid datasets, reading the features with and without PyG.

The loader read the Planetoid files with features through PyG's ``Planetoid`` class,
which costs the import of ``torch_geometric`` and PyG's processing. It now reads the
pickled files itself (``graphkit.datasets.planetoid.read_planetoid``). The script first
checks, in this process, that both give equal tensors, and times both loads (lowest CPU
time of ``--repeats``; PyG reads its cached processed file after the first call). Then
it runs each command in fresh processes, alternating the PyG path (the earlier code)
and the current one, and keeps the lowest CPU time (user plus system) of ``--repeats``
runs of each.

Usage::

    OMP_NUM_THREADS=1 GRAPHKIT_CACHE=DIR python benchmarks/planetoid_loading.py \\
        --root DATA/graphs [--datasets cora citeseer] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from functools import partial

import torch
from kg_cli_startup import RUN_COMMAND, lowest_child_cpu_seconds

# Makes load_dataset read Planetoid features through PyG, as the earlier code did.
THROUGH_PYG = """
import graphkit.datasets.planetoid as planetoid
_current = planetoid.read_planetoid
def _through_pyg(folder, name, features=True):
    if not features:
        return _current(folder, name, features)
    raw = planetoid.planetoid_raw_files(name, True)
    return planetoid._read_with_pyg(name, folder.parent.parent, raw)
planetoid.read_planetoid = _through_pyg
"""
FIELDS = ("x", "edge_index", "y", "train_mask", "val_mask", "test_mask")


@contextmanager
def through_pyg():
    """Make ``load_dataset`` read Planetoid features with PyG inside the block.

    It runs :data:`THROUGH_PYG`, the code that the child processes of the PyG path
    run, and restores the reader afterwards.
    """
    from graphkit.datasets import planetoid

    current = planetoid.read_planetoid
    exec(THROUGH_PYG, {})
    try:
        yield
    finally:
        planetoid.read_planetoid = current


def lowest_cpu_seconds(function, repeats: int) -> tuple[float, object]:
    """Call ``function`` ``repeats`` times and return the lowest CPU time and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.process_time()
        result = function()
        best = min(best, time.process_time() - start)
    return best, result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder holding planetoid/")
    parser.add_argument("--datasets", nargs="+", default=["cora", "citeseer"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from graphkit.datasets import load_dataset

    for name in args.datasets:
        load = partial(load_dataset, name, root=args.root)
        with through_pyg():
            before, pyg = lowest_cpu_seconds(load, args.repeats + 1)
        after, ours = lowest_cpu_seconds(load, args.repeats)
        same = all(torch.equal(ours[field], pyg[field]) for field in FIELDS)
        print(
            f"{name}: load through PyG {1000 * before:.1f} CPU ms, now "
            f"{1000 * after:.1f} CPU ms, same tensors {same}",
            flush=True,
        )
    commands = []
    for name in args.datasets:
        commands.append(["train", "--dataset", name, "--root", args.root, "--epochs", "1"])
        commands.append(["isvd", "nodeclass", "--dataset", name, "--root", args.root])
    for command in commands:
        label = " ".join(command[: command.index("--root")])
        variants = {
            "through PyG": ["-c", RUN_COMMAND.format(prelude=THROUGH_PYG), *command],
            "now": ["-c", RUN_COMMAND.format(prelude=""), *command],
        }
        best = lowest_child_cpu_seconds(variants, args.repeats)
        print(
            f"graphkit {label}: through PyG {best['through PyG']:.2f} "
            f"CPU s, now {best['now']:.2f} CPU s, ratio "
            f"{best['now'] / best['through PyG']:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
