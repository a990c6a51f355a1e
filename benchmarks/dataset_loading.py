"""CPU time of loading a heterophilous graph: graphkit's symmetry check against PyG's.

The loader of ``tolokers``, ``minesweeper`` and the other graphs of PyG's
``HeterophilousGraphDataset`` checks that the processed edges contain both directions
of every edge. It used PyG's ``is_undirected``, which sorts the edges and their reverse.
``graphkit.datasets.heterophilous.is_symmetric`` returns the same result with one sort,
because the processed edges are already sorted.

In one process, alternating, the script times (lowest CPU time of ``--repeats`` rounds,
``time.process_time``):

* the check alone, ``is_symmetric`` against PyG's ``is_undirected`` on the loaded edges;
* the whole ``load_dataset(NAME)`` call through PyG's ``HeterophilousGraphDataset``,
  with the current check and with PyG's check put back in its place. The processed
  file is cached after the first call, so both read the same file. The loader takes
  this path only where PyG's processed file lies next to the archive, so the script
  makes ``heterophilous.processed_file`` name an existing file for these two columns;
* the whole call as it runs now, reading the archive with numpy (``archive``).

Then it runs ``graphkit analyze --dataset NAME`` in fresh processes, alternating the
PyG path (the earlier code) and the archive path, and keeps the lowest CPU time (user
plus system) of ``--repeats`` runs of each. Unlike the in-process columns, these
include the import of ``torch_geometric``.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/dataset_loading.py --root DATA/graphs \\
        [--datasets tolokers minesweeper] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager
from functools import partial

import torch
from kg_cli_startup import RUN_COMMAND, lowest_child_cpu_seconds

# Makes the loader read a heterophilous archive through PyG, as before the archive path.
THROUGH_PYG = (
    "import graphkit.datasets.heterophilous as h; from pathlib import Path; "
    "h.processed_file = lambda family_dir, stem: Path(h.__file__)"
)


def timed(function) -> tuple[float, object]:
    """Call ``function`` and return its CPU time in seconds and its result."""
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


@contextmanager
def through_pyg(heterophilous):
    """Make ``load_dataset`` read heterophilous archives with PyG inside the block.

    It runs :data:`THROUGH_PYG`, the code that the child processes of the PyG path
    run, and restores ``processed_file`` afterwards.
    """
    current = heterophilous.processed_file
    exec(THROUGH_PYG, {})
    try:
        yield
    finally:
        heterophilous.processed_file = current


def same_tensors(first, second) -> bool:
    """Return whether two loaded graphs have equal ``x``, ``edge_index``, ``y`` and masks."""
    fields = ("x", "edge_index", "y", "train_mask", "val_mask", "test_mask")
    return all(torch.equal(first[field], second[field]) for field in fields)


def command_cpu_seconds(root: str, name: str, repeats: int) -> dict[str, float]:
    """Return the lowest CPU time of ``graphkit analyze`` through PyG and now."""
    command = ["analyze", "--dataset", name, "--root", root]
    variants = {
        "through PyG": ["-c", RUN_COMMAND.format(prelude=THROUGH_PYG), *command],
        "now": ["-c", RUN_COMMAND.format(prelude=""), *command],
    }
    return lowest_child_cpu_seconds(variants, repeats)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the graph datasets")
    parser.add_argument("--datasets", nargs="+", default=["tolokers", "minesweeper"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    from graphkit.datasets import heterophilous, load_dataset
    from torch_geometric.utils import is_undirected

    torch.set_num_threads(args.threads)
    current_check = heterophilous.is_symmetric

    def pyg_check(edge_index, num_nodes):
        return is_undirected(edge_index, num_nodes=num_nodes)

    print(
        "dataset      edges  check graphkit ms  check PyG ms  ratio  "
        "load before ms  load after ms  ratio  archive ms  same answer  same tensors"
    )
    for name in args.datasets:
        with through_pyg(heterophilous):
            data = load_dataset(name, args.root)  # writes or finds the processed file
        edge_index, num_nodes = data.edge_index, data.num_nodes
        check = {"graphkit": float("inf"), "pyg": float("inf")}
        load = {"before": float("inf"), "after": float("inf"), "archive": float("inf")}
        answers = {}
        for _ in range(args.repeats):
            seconds, answers["graphkit"] = timed(partial(current_check, edge_index, num_nodes))
            check["graphkit"] = min(check["graphkit"], seconds)
            seconds, answers["pyg"] = timed(partial(pyg_check, edge_index, num_nodes))
            check["pyg"] = min(check["pyg"], seconds)
            heterophilous.is_symmetric = pyg_check
            try:
                with through_pyg(heterophilous):
                    seconds, _ = timed(partial(load_dataset, name, args.root))
            finally:
                heterophilous.is_symmetric = current_check
            load["before"] = min(load["before"], seconds)
            with through_pyg(heterophilous):
                seconds, _ = timed(partial(load_dataset, name, args.root))
            load["after"] = min(load["after"], seconds)
            seconds, archive = timed(partial(load_dataset, name, args.root))
            load["archive"] = min(load["archive"], seconds)
        print(
            f"{name:<11} {edge_index.size(1):>7} {1000 * check['graphkit']:>18.1f} "
            f"{1000 * check['pyg']:>13.1f} {check['graphkit'] / check['pyg']:>6.2f} "
            f"{1000 * load['before']:>15.1f} {1000 * load['after']:>14.1f} "
            f"{load['after'] / load['before']:>6.2f} {1000 * load['archive']:>11.1f}  "
            f"{answers['graphkit'] == answers['pyg']!s:<11}  {same_tensors(data, archive)}",
            flush=True,
        )
    for name in args.datasets:
        best = command_cpu_seconds(args.root, name, args.repeats)
        print(
            f"graphkit analyze --dataset {name}: through PyG {best['through PyG']:.2f} "
            f"CPU s, now {best['now']:.2f} CPU s, ratio "
            f"{best['now'] / best['through PyG']:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
