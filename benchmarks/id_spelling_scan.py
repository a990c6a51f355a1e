"""CPU time of the id-spelling scan of an integer edge list, against loading without it.

``load_edge_list`` reads an integer edge list, then scans the file for ids such as
``007`` that name the same number as ``7`` (``warn_if_spellings_collide``). This script
writes a random edge list of plain integer ids, then loads it with the scan and with
the scan replaced by a no-op, alternating in one process. It prints the lowest CPU time
(``time.process_time``) of each over ``--repeats`` rounds and their ratio.

    OMP_NUM_THREADS=1 python benchmarks/id_spelling_scan.py --edges 1000000 --repeats 5
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from graphkit.datasets import edge_list


def write_edge_list(path: Path, num_edges: int, num_nodes: int, seed: int) -> None:
    """Write ``num_edges`` random edges between ``num_nodes`` integer ids, one per line."""
    rng = np.random.default_rng(seed)
    edges = rng.integers(0, num_nodes, size=(num_edges, 2))
    np.savetxt(path, edges, fmt="%d", delimiter=" ")


def cpu_seconds(path: Path) -> float:
    """Return the CPU time of one ``load_edge_list`` call on ``path``."""
    start = time.process_time()
    edge_list.load_edge_list(path)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    scan = edge_list.warn_if_spellings_collide
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edges.txt"
        write_edge_list(path, args.edges, args.nodes, args.seed)
        size = path.stat().st_size
        cpu_seconds(path)  # warm-up: imports and allocator
        with_scan, without_scan = [], []
        for _ in range(args.repeats):
            edge_list.warn_if_spellings_collide = scan
            with_scan.append(cpu_seconds(path))
            edge_list.warn_if_spellings_collide = lambda *args, **kwargs: None
            without_scan.append(cpu_seconds(path))
        edge_list.warn_if_spellings_collide = scan

    best_with, best_without = min(with_scan), min(without_scan)
    print(f"edges {args.edges}, nodes {args.nodes}, file bytes {size}")
    print(f"load with scan    {best_with:.3f} CPU s")
    print(f"load without scan {best_without:.3f} CPU s")
    print(f"ratio (with / without) {best_with / best_without:.3f}")


if __name__ == "__main__":
    main()
