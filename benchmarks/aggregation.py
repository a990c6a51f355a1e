"""Epoch time and peak memory of graphkit's layers against PyG's, side by side.

Each (library, model, input form) case runs in its own subprocess so that its peak
resident memory (``ru_maxrss``) is its own. A case is one warm-up step, then the mean
of ``--steps`` forward+backward passes of a 2-layer model. Both wall time and CPU time
(``time.process_time``) are reported. With ``--threads 1`` the CPU time is the work
done, so it stays comparable when other processes load the machine. Also reports the
achieved bandwidth of one sum aggregation against a plain copy of the same bytes.

    python benchmarks/aggregation.py --nodes 200000 --edges 4000000 --features 128
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from functools import partial

import torch
from pyg_stack import pyg_stack

CASES = [
    ("graphkit", "gcn"), ("pyg-edge_index", "gcn"), ("pyg-adj_t", "gcn"),
    ("graphkit", "sage"), ("pyg-edge_index", "sage"), ("pyg-adj_t", "sage"),
    ("graphkit", "gat"), ("pyg-edge_index", "gat"),
]


def make_graph(nodes: int, edges: int, features: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, nodes, (2, edges), generator=g)
    x = torch.randn(nodes, features, generator=g)
    return x, edge_index


def build_model(library: str, model: str, features: int, hidden: int, classes: int):
    if library == "graphkit":
        from graphkit.nn import GNN

        return GNN(model, features, hidden, classes, num_layers=2, dropout=0.0, heads=4)
    return pyg_stack(model, features, hidden, classes)


def run_case(library, model, args) -> dict:
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x, edge_index = make_graph(args.nodes, args.edges, args.features)
    net = build_model(library, model, args.features, args.hidden, 16)
    if library == "graphkit":
        from graphkit.graph import LocalGraph

        graph = LocalGraph(edge_index, args.nodes)
        step = partial(net, x, graph)
    elif library == "pyg-adj_t":
        from torch_geometric.utils import to_torch_csr_tensor

        # adj_t[dst, src]: rows are destinations, as PyG expects for sparse input.
        adj_t = to_torch_csr_tensor(edge_index.flip(0), size=(args.nodes, args.nodes))
        step = partial(net, x, adj_t)
    else:
        step = partial(net, x, edge_index)
    times, cpu_times = [], []
    for k in range(args.steps + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        net.zero_grad()
        step().sum().backward()
        if k:  # the first step builds caches (CSR, transposes, self-loops)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"library": library, "model": model, "step_s": sum(times) / len(times),
            "cpu_s": sum(cpu_times) / len(cpu_times), "peak_bytes": peak}


def bandwidth(args) -> dict:
    torch.set_num_threads(args.threads)
    from graphkit.block import Block
    from graphkit.ops.linear import spmm

    x, edge_index = make_graph(args.nodes, args.edges, args.features)
    block = Block.from_edge_index(edge_index, args.nodes, args.nodes)
    spmm(block, x)
    start = time.perf_counter()
    for _ in range(3):
        spmm(block, x)
    agg = (time.perf_counter() - start) / 3  # wall time: bandwidth is a wall-clock rate
    # Bytes the aggregation must touch at least: one source row per edge, the output,
    # and the CSR structure.
    moved = args.edges * (args.features * 4 + 8) + args.nodes * args.features * 4
    big = torch.empty(moved // 4)
    start = time.perf_counter()
    for _ in range(3):
        big.clone()
    copy = (time.perf_counter() - start) / 3
    return {"aggregation_s": agg, "copy_s": copy, "bytes": moved,
            "aggregation_GBps": moved / agg / 1e9, "copy_GBps": 2 * moved / copy / 1e9}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=4_000_000)
    parser.add_argument("--features", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="torch threads per case")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--out", help="write the results as JSON to this file")
    args = parser.parse_args()
    if args.case:
        library, model = args.case.split(":")
        print(json.dumps(run_case(library, model, args)))
        return
    results = []
    for library, model in CASES:
        cmd = [sys.executable, __file__, "--case", f"{library}:{model}"] + [
            f"--{k}={getattr(args, k)}" for k in ("nodes", "edges", "features", "hidden", "steps", "threads")]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"{library} {model} failed: {done.stderr[-500:]}", file=sys.stderr)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"{library:15s} {model:5s} step {r['step_s']:.3f}s cpu {r['cpu_s']:.3f}s "
              f"peak {r['peak_bytes'] / 2**20:.0f} MiB", flush=True)
    bw = bandwidth(args)
    print(json.dumps(bw))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"cases": results, "bandwidth": bw, "args": vars(args)}, f, indent=1)


if __name__ == "__main__":
    main()
