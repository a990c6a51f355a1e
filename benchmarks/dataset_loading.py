"""CPU time of loading a heterophilous graph: graphkit's symmetry check against PyG's.

The loader of ``tolokers``, ``minesweeper`` and the other graphs of PyG's
``HeterophilousGraphDataset`` checks that the processed edges contain both directions
of every edge. It used PyG's ``is_undirected``, which sorts the edges and their reverse.
``graphkit.datasets.heterophilous.is_symmetric`` returns the same result with one sort,
because the processed edges are already sorted.

In one process, alternating, the script times (lowest CPU time of ``--repeats`` rounds,
``time.process_time``):

* the check alone, ``is_symmetric`` against PyG's ``is_undirected`` on the loaded edges;
* the whole ``load_dataset(NAME)`` call, with the current check and with PyG's check
  put back in its place (the earlier loader). The processed file is cached after the
  first call, so both read the same file.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/dataset_loading.py --root DATA/graphs \\
        [--datasets tolokers minesweeper] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import torch


def timed(function) -> tuple[float, object]:
    """Call ``function`` and return its CPU time in seconds and its result."""
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the graph datasets")
    parser.add_argument("--datasets", nargs="+", default=["tolokers", "minesweeper"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    from torch_geometric.utils import is_undirected

    from graphkit.datasets import heterophilous, load_dataset

    torch.set_num_threads(args.threads)
    current_check = heterophilous.is_symmetric

    def pyg_check(edge_index, num_nodes):
        return is_undirected(edge_index, num_nodes=num_nodes)

    print(
        "dataset      edges  check graphkit ms  check PyG ms  ratio  "
        "load before ms  load after ms  ratio  same answer"
    )
    for name in args.datasets:
        data = load_dataset(name, args.root)  # writes or finds the processed file
        edge_index, num_nodes = data.edge_index, data.num_nodes
        check = {"graphkit": float("inf"), "pyg": float("inf")}
        load = {"before": float("inf"), "after": float("inf")}
        answers = {}
        for _ in range(args.repeats):
            seconds, answers["graphkit"] = timed(partial(current_check, edge_index, num_nodes))
            check["graphkit"] = min(check["graphkit"], seconds)
            seconds, answers["pyg"] = timed(partial(pyg_check, edge_index, num_nodes))
            check["pyg"] = min(check["pyg"], seconds)
            heterophilous.is_symmetric = pyg_check
            try:
                seconds, _ = timed(partial(load_dataset, name, args.root))
            finally:
                heterophilous.is_symmetric = current_check
            load["before"] = min(load["before"], seconds)
            seconds, _ = timed(partial(load_dataset, name, args.root))
            load["after"] = min(load["after"], seconds)
        print(
            f"{name:<11} {edge_index.size(1):>7} {1000 * check['graphkit']:>18.1f} "
            f"{1000 * check['pyg']:>13.1f} {check['graphkit'] / check['pyg']:>6.2f} "
            f"{1000 * load['before']:>15.1f} {1000 * load['after']:>14.1f} "
            f"{load['after'] / load['before']:>6.2f}  "
            f"{answers['graphkit'] == answers['pyg']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
