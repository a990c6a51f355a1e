"""Time and peak memory of every graphkit.metrics measure on a synthetic large graph.

Run from the repository root, for example with two threads:

    OMP_NUM_THREADS=2 python benchmarks/metrics_speed.py --nodes 1000000 --edges 10000000

The graph has ``--edges`` random undirected node pairs and ``--classes`` labels. Half
of the edges are drawn inside a class and the other half between any two nodes, so
with 5 classes 60% of them join two nodes of the same class. Each measure runs once,
in this process, after a warm-up on a small graph. Peak memory is the rise of the
resident set size (VmHWM after the measure minus VmRSS before it, Linux only), reset
between measures through /proc/self/clear_refs. PyG's ``homophily()`` runs in the
same process on the already symmetrised edge index, so the ratios compare like with
like.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from torch_geometric.utils import homophily as pyg_homophily

from graphkit.metrics import (
    adjusted_homophily,
    build_labelled_graph,
    class_compatibility,
    class_insensitive_homophily,
    edge_homophily,
    edge_label_informativeness,
    nic_estimate,
    node_homophily,
    node_label_informativeness,
)

MIB = 1024 * 1024


def make_graph(nodes: int, edges: int, classes: int, seed: int = 0):
    """Return ``(edge_index [2, edges], y [nodes])``, half of the edges drawn in a class.

    The other half joins uniform random nodes, so a share ``1 / classes`` of it is
    same-class too.
    """
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, classes, (nodes,), generator=gen)
    order = torch.argsort(y)
    starts = torch.searchsorted(y[order], torch.arange(classes))
    sizes = torch.bincount(y, minlength=classes)
    src = torch.randint(0, nodes, (edges,), generator=gen)
    dst = torch.randint(0, nodes, (edges,), generator=gen)
    same = torch.rand(edges, generator=gen) < 0.5
    # Same-class edges: replace the target by a random node of the source's class.
    cls = y[src[same]]
    offset = (torch.rand(cls.numel(), generator=gen) * sizes[cls]).long()
    dst[same] = order[starts[cls] + offset]
    return torch.stack([src, dst]), y


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def measure(label: str, function, rows: list) -> object:
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = _status("VmRSS")
    start, cpu_start = time.perf_counter(), time.process_time()
    result = function()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    peak = _status("VmHWM") - before
    rows.append((label, seconds, peak))
    print(
        f"| {label} | {seconds:.2f} | {cpu_seconds:.2f} | {peak / MIB:.0f} |",
        flush=True,
    )
    return result


def input_summary(args: argparse.Namespace, edge_index: torch.Tensor) -> str:
    """Return the line that describes the graph, its edge list size and the process RSS."""
    edge_list_mib = edge_index.numel() * edge_index.element_size() / MIB
    return (
        f"graph: {args.nodes} nodes, {args.edges} undirected edges, {args.classes} "
        f"classes, {torch.get_num_threads()} threads, input edge list "
        f"{edge_list_mib:.1f} MiB, resident set {_status('VmRSS') / MIB:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--classes", type=int, default=5)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    small_edges, small_y = make_graph(1000, 10000, args.classes)
    nic_estimate(small_edges, small_y)  # warm-up
    edge_index, y = make_graph(args.nodes, args.edges, args.classes)
    print(input_summary(args, edge_index))
    print("| step | wall s | CPU s | peak extra MiB |\n| --- | --- | --- | --- |")
    rows: list = []
    graph = measure(
        "build (symmetrise, drop loops, dedupe)",
        lambda: build_labelled_graph(edge_index, y),
        rows,
    )
    ours = {
        "edge homophily": lambda: edge_homophily(graph),
        "node homophily": lambda: node_homophily(graph),
        "class-insensitive homophily": lambda: class_insensitive_homophily(graph),
        "adjusted homophily": lambda: adjusted_homophily(graph),
        "edge label informativeness": lambda: edge_label_informativeness(graph),
        "node label informativeness": lambda: node_label_informativeness(graph),
        "class compatibility matrix": lambda: class_compatibility(graph),
        "NIC without correction": lambda: nic_estimate(graph, correction="none"),
    }
    for label, function in ours.items():
        measure(label, function, rows)
    if not args.skip_baseline:
        measure("NIC with permutation baseline", lambda: nic_estimate(graph), rows)

    built = torch.stack([graph.src, graph.dst])
    for method in ("edge", "node", "edge_insensitive"):
        measure(
            f"PyG homophily(method={method!r})",
            lambda method=method: pyg_homophily(built, y, method=method),
            rows,
        )
    total = sum(seconds for _, seconds, _ in rows[: 1 + len(ours)])
    print(
        f"wall time of the build and every measure except the NIC baseline: {total:.2f} s"
    )
    ours_three = sum(seconds for _, seconds, _ in rows[1:4])
    theirs_three = sum(seconds for _, seconds, _ in rows[-3:])
    print(
        "edge + node + class-insensitive homophily on the built graph: "
        f"graphkit {ours_three:.2f} s, PyG {theirs_three:.2f} s "
        f"(ratio {ours_three / theirs_three:.2f})"
    )


if __name__ == "__main__":
    main()
