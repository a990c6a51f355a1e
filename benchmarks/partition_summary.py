"""CPU time of ``partition_summary`` (edge cut and halo sizes): one pass against one per part.

``graphkit partition`` and the distributed launcher report each partition's halo, the
number of distinct remote sources of its in-edges. The earlier code, kept below as
``summary_per_part``, took one pass over the edges and one ``unique`` per partition. The
current code takes one ``unique`` over (destination partition, source) keys. There is no
PyG counterpart, so the comparison is with the earlier code. Both run on the same
partitions in one process, alternating, and the lowest CPU time (``time.process_time``)
of ``--repeats`` rounds is kept.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/partition_summary.py --root DATA/graphs \\
        [--dataset tolokers] [--parts 4 16 64] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import torch


def summary_per_part(edge_index, parts, num_parts):
    """Compute the edge cut and halo sizes with one pass per partition (earlier code)."""
    src, dst = edge_index[0], edge_index[1]
    cut = parts[src] != parts[dst]
    halo_sizes = []
    for rank in range(num_parts):
        into = cut & (parts[dst] == rank)
        halo_sizes.append(int(torch.unique(src[into]).numel()))
    return {
        "edge_cut": int(cut.sum()),
        "halo_sizes": halo_sizes,
        "part_sizes": torch.bincount(parts, minlength=num_parts).tolist(),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the graph datasets")
    parser.add_argument("--dataset", default="tolokers")
    parser.add_argument("--parts", type=int, nargs="+", default=[4, 16, 64])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    from graphkit.datasets import load_dataset
    from graphkit.distributed.partition import partition_nodes, partition_summary

    torch.set_num_threads(args.threads)
    data = load_dataset(args.dataset, args.root)
    edge_index = data.edge_index
    print("method  parts  edge cut  before ms  after ms  after/before  equal")
    for method in ("metis", "random"):
        for num_parts in args.parts:
            parts = partition_nodes(edge_index, data.num_nodes, num_parts, method, seed=0)
            best = {"before": float("inf"), "after": float("inf")}
            results = {}
            for _ in range(args.repeats):
                for name, function in (
                    ("before", summary_per_part),
                    ("after", partition_summary),
                ):
                    start = time.process_time()
                    results[name] = function(edge_index, parts, num_parts)
                    best[name] = min(best[name], time.process_time() - start)
            print(
                f"{method:<7} {num_parts:>5} {results['after']['edge_cut']:>9} "
                f"{1000 * best['before']:>10.1f} {1000 * best['after']:>9.1f} "
                f"{best['after'] / best['before']:>13.2f}  "
                f"{results['after'] == results['before']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
