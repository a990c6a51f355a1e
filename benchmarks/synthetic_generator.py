"""Time the CSBM generator: the default graph and a 1M-node, 20M-edge graph.

Usage: ``OMP_NUM_THREADS=2 python benchmarks/synthetic_generator.py [--nodes 1000000]``.
Prints one line per graph: wall and CPU time of ``synthetic_csbm`` (CPU time summed over
threads), stored edges, peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time

import torch
from graphkit.datasets import synthetic_csbm


def measure(num_nodes: int, avg_degree: float) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    data = synthetic_csbm(num_nodes=num_nodes, avg_degree=avg_degree)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"nodes={num_nodes} avg_degree={avg_degree} edges={data.edge_index.size(1)} "
        f"features={data.x.size(1)} seconds={seconds:.2f} cpu_seconds={cpu_seconds:.2f} peak_rss_gib={peak_gib:.2f} "
        f"threads={torch.get_num_threads()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--nodes", type=int, default=1_000_000, help="nodes of the large graph"
    )
    parser.add_argument(
        "--degree", type=float, default=20.0, help="mean degree of the large graph"
    )
    args = parser.parse_args()
    measure(20_000, 10.0)
    measure(args.nodes, args.degree)


if __name__ == "__main__":
    main()
