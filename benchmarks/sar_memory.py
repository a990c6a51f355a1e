"""Per-rank peak memory and epoch time of SAR training against one process.

The script generates a synthetic graph (the CSBM of ``graphkit.datasets``) and writes
one partition folder per world size. For each model, mode and world size it then starts
fresh processes (gloo on 127.0.0.1), which load their own partition and run training
steps (forward, backward, gradient sum, Adam). A world size of 1 runs a ``LocalGraph`` in
one process: the single-process reference. Each rank reports its peak resident memory
(``VmHWM``), the resident memory before the first step, the peak bytes held by fetched
halo rows, and the time of the last step.

Every process, the single one included, first sets glibc's mmap threshold to 1 MiB
(:func:`graphkit.memory.use_mmap_for_large_allocations`), so freed tensors return to
the system instead of fragmenting the heap. ``--default-malloc`` skips this step.

Example (the configuration recorded in docs/benchmarks.md)::

    python benchmarks/sar_memory.py --nodes 500000 --degree 20 --worlds 1 2 4 8 \\
        --out /tmp/sar_memory
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# Mode of the baseline row, which fetches the whole halo once and then runs per-edge
# gather/scatter ops with autograd.
PLAIN_MODE = "one-shot-plain"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500_000, help="graph nodes")
    parser.add_argument("--degree", type=float, default=20.0, help="average in-degree")
    parser.add_argument("--features", type=int, default=128, help="input features")
    parser.add_argument("--hidden", type=int, default=128, help="hidden width")
    parser.add_argument("--layers", type=int, default=3, help="GNN layers")
    parser.add_argument("--heads", type=int, default=4, help="GAT heads")
    parser.add_argument("--models", nargs="+", default=["sage", "gat"])
    parser.add_argument(
        "--modes",
        nargs="+",
        default=["sar", "sa", "one-shot"],
        choices=["sar", "sa", "one-shot", PLAIN_MODE],
        help=f"modes to run, where {PLAIN_MODE} is one-shot with per-edge autograd "
        "(ShardedGraph(fast=False)), the plain domain-parallel baseline",
    )
    parser.add_argument("--worlds", nargs="+", type=int, default=[1, 2, 4, 8])
    parser.add_argument("--method", default="metis", choices=["metis", "random"])
    parser.add_argument("--steps", type=int, default=2, help="training steps per run")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="log resident and peak memory of every rank at each stage of a step",
    )
    parser.add_argument(
        "--no-look-ahead",
        action="store_true",
        help="fetch each peer's rows only when its round starts (ShardedGraph "
        "look_ahead=False), so a rank keeps one round's rows or gradients at a time",
    )
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="keep glibc's dynamic mmap threshold (skip the process setup)",
    )
    parser.add_argument(
        "--out", required=True, help="folder for partitions and results"
    )
    parser.add_argument(
        "--worker",
        nargs=5,
        metavar=("FOLDER", "MODEL", "MODE", "RANK", "N"),
        help=argparse.SUPPRESS,
    )
    return parser.parse_args(argv)


def prepare(args) -> dict[int, Path]:
    """Generate the graph once and write one partition folder per world size."""
    from graphkit.datasets import load_dataset
    from graphkit.distributed import partition_nodes
    from graphkit.distributed.files import write_partitions

    folders = {n: Path(args.out) / f"parts-{n}" for n in args.worlds}
    if all((f / "meta.json").exists() for f in folders.values()):
        return folders
    data = load_dataset(
        "synthetic",
        num_nodes=args.nodes,
        avg_degree=args.degree,
        num_features=args.features,
        seed=0,
    )
    print(f"graph: {data.num_nodes} nodes, {data.edge_index.size(1)} edges", flush=True)
    for n, folder in folders.items():
        start = time.perf_counter()
        parts = partition_nodes(data.edge_index, data.num_nodes, n, args.method)
        meta = write_partitions(data, parts, n, folder)
        print(
            f"N={n}: edge cut {meta['edge_cut']}, halo sizes {meta['halo_sizes']} "
            f"({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    return folders


class Trace:
    """Log resident (``VmRSS``) and peak (``VmHWM``) memory at named stages.

    With ``rank=None`` every call does nothing. :meth:`watch` adds a stage after each
    layer's forward pass and at the start of its backward pass.
    """

    def __init__(self, rank: int | None) -> None:
        self.rank = rank

    def __call__(self, stage: str) -> None:
        if self.rank is None:
            return
        from graphkit.memory import current_rss_bytes, peak_rss_bytes

        print(
            f"[rank {self.rank}] {stage:<28} rss {current_rss_bytes() / 2**20:7.0f} MiB"
            f"  peak {peak_rss_bytes() / 2**20:7.0f} MiB",
            file=sys.stderr,
            flush=True,
        )

    def watch(self, model) -> None:
        if self.rank is None:
            return
        for k, layer in enumerate(model.layers):

            def hook(module, inputs, output, k=k):
                self(f"layer {k} forward")
                if output.requires_grad:
                    output.register_hook(lambda g: self(f"layer {k} backward starts"))

            layer.register_forward_hook(hook)


def worker(args) -> None:
    """Run one rank: load its partition, train ``steps`` steps, write a JSON report."""
    import torch
    import torch.nn.functional as F

    from graphkit.distributed import runtime
    from graphkit.distributed.files import load_partition
    from graphkit.distributed.memory import current_rss_bytes, peak_rss_bytes
    from graphkit.graph import LocalGraph
    from graphkit.memory import use_mmap_for_large_allocations
    from graphkit.nn import GNN

    folder, model_name, mode, rank, world_size = args.worker
    rank, world_size = int(rank), int(world_size)
    if not args.default_malloc:
        use_mmap_for_large_allocations()
    torch.set_num_threads(1)
    rss_imports = current_rss_bytes()
    trace = Trace(rank if args.trace else None)
    runtime.init_process_group(600.0)
    payload = load_partition(folder, rank, world_size)
    trace("partition loaded")
    if world_size == 1:
        graph = LocalGraph(payload["edges"][0], payload["global_ids"].numel())
    else:
        plain = mode == PLAIN_MODE
        graph = runtime.ShardedGraph.from_partition(
            runtime.communicator(),
            payload,
            "one-shot" if plain else mode,
            fast=not plain,
            look_ahead=not args.no_look_ahead,
        )
    trace("graph built")
    x, y = payload["x"], payload["y"]
    num_classes = int(graph.reduce_max(y.max().reshape(1))) + 1
    torch.manual_seed(0)
    model = GNN(
        model_name,
        x.size(1),
        args.hidden,
        num_classes,
        args.layers,
        dropout=0.5,
        heads=args.heads,
    )
    graph.sync_parameters(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    total = float(graph.reduce_sum(torch.tensor([float(y.numel())])))
    del payload
    trace("payload freed")
    trace.watch(model)
    rss_before = current_rss_bytes()
    seconds = 0.0
    for step in range(args.steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x, graph), y, reduction="sum") / total
        trace(f"step {step} loss")
        loss.backward()
        trace(f"step {step} backward done")
        graph.sync_gradients(model)
        optimizer.step()
        trace(f"step {step} optimizer done")
        seconds = time.perf_counter() - start
    stats = graph.comm_stats() if world_size > 1 else {}
    report = {
        "model": model_name,
        "mode": mode,
        "world_size": world_size,
        "rank": rank,
        "peak_rss": peak_rss_bytes(),
        "rss_before": rss_before,
        "step_s": seconds,
        "rss_imports": rss_imports,
        "fetched_peak": stats.get("fetched_peak_bytes", 0),
        "sent_bytes": stats.get("sent_bytes", 0),
    }
    name = f"{model_name}-{mode}-{world_size}-{rank}.json"
    (Path(args.out) / "reports").mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "reports" / name).write_text(json.dumps(report))
    runtime.destroy_process_group()


def launch(args, folder: Path, model: str, mode: str, world_size: int) -> list[dict]:
    """Start ``world_size`` fresh processes for one configuration and return their reports."""
    from graphkit.distributed.runtime import free_port

    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(free_port()),
        "WORLD_SIZE": str(world_size),
    }
    base = [sys.executable, __file__, *sys.argv[1:]]
    procs = [
        subprocess.Popen(
            [*base, "--worker", str(folder), model, mode, str(r), str(world_size)],
            env={**env, "RANK": str(r)},
        )
        for r in range(world_size)
    ]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise RuntimeError(f"{model} {mode} N={world_size}: ranks exited with {codes}")
    reports = Path(args.out) / "reports"
    return [
        json.loads((reports / f"{model}-{mode}-{world_size}-{r}.json").read_text())
        for r in range(world_size)
    ]


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return
    folders = prepare(args)
    rows = []
    for model in args.models:
        single = None
        for world_size in args.worlds:
            for mode in ["-"] if world_size == 1 else args.modes:
                reports = launch(args, folders[world_size], model, mode, world_size)
                peak = max(r["peak_rss"] for r in reports)
                # Memory above what the interpreter and libraries use after import.
                above = max(r["peak_rss"] - r["rss_imports"] for r in reports)
                if world_size == 1:
                    single = (peak, above)
                label = mode
                if args.no_look_ahead and world_size > 1:
                    label = f"{mode}, no look-ahead"
                row = {
                    "model": model,
                    "mode": label,
                    "N": world_size,
                    "peak_mib": peak / 2**20,
                    "ratio": peak / single[0] if single else float("nan"),
                    "above_mib": above / 2**20,
                    "above_ratio": above / single[1] if single else float("nan"),
                    "fetched_mib": max(r["fetched_peak"] for r in reports) / 2**20,
                    "step_s": max(r["step_s"] for r in reports),
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    (Path(args.out) / "results.json").write_text(json.dumps(rows, indent=1))
    print(
        "| model | mode | N | peak RSS per rank (MiB) | ratio to 1 process | "
        "peak above imports (MiB) | ratio | fetched halo peak (MiB) | step time (s) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['model']} | {r['mode']} | {r['N']} | {r['peak_mib']:.0f} | "
            f"{r['ratio']:.2f} | {r['above_mib']:.0f} | {r['above_ratio']:.2f} | "
            f"{r['fetched_mib']:.0f} | {r['step_s']:.1f} |"
        )


if __name__ == "__main__":
    main()
