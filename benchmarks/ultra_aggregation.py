"""Lean against plain message aggregation of ULTRA: time per query and peak memory.

Runs ``ultra_3g`` on the inference graph of a GraIL split (default ``WN18RR_v4``, the
largest: 7,084 entities, 12,334 facts) for a few batches of test queries.

* Memory: each path runs in its own subprocess. The number reported is the growth of the
  peak resident set (``ru_maxrss``) over the resident set before the first batch, for
  inference (``no_grad``) and for one training step (forward and backward).
* Time: both paths run in one process, alternating, and the best of ``--repeats`` rounds
  is kept, so the ratio is fair on a shared machine.

Usage::

    python benchmarks/ultra_aggregation.py --root DATA/kg --checkpoint DATA/ultra/ultra_3g.pth
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def setup(args):
    import torch

    from graphkit.kg import Ultra, load_dataset
    from graphkit.kg.evaluate import to_tail_queries
    from graphkit.kg.model import fact_graph

    torch.set_num_threads(args.threads)
    model = Ultra.from_pretrained(args.checkpoint)
    split = load_dataset(args.root, args.split)
    graph = fact_graph(split.test.graph)
    sources, index, _ = to_tail_queries(
        split.test.queries, split.test.graph.num_relations
    )
    size = args.train_batch_size if args.mode == "training" else args.batch_size
    return model, graph, sources[:size], index[:size]


def measure_memory(args) -> dict:
    """Peak RSS growth of one inference batch and of one training step (``--one PATH``)."""
    import torch

    model, graph, sources, index = setup(args)
    model.set_aggregation(args.one)
    before = rss_mib()
    if args.mode == "inference":
        with torch.no_grad():
            model(graph, sources, index)
    else:
        model(graph, sources, index).mean().backward()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "aggregation": args.one,
        "mode": args.mode,
        "peak_growth_mib": peak - before,
        "peak_rss_mib": peak,
    }


def measure_time(args) -> dict:
    import torch

    model, graph, sources, index = setup(args)
    best = {"lean": float("inf"), "plain": float("inf")}
    outputs = {}
    for _ in range(args.repeats):
        for path in ("plain", "lean"):
            model.set_aggregation(path)
            with torch.no_grad():
                started = time.perf_counter()
                outputs[path] = model(graph, sources, index)
                best[path] = min(best[path], time.perf_counter() - started)
    torch.testing.assert_close(outputs["lean"], outputs["plain"], rtol=1e-4, atol=1e-4)
    return {
        f"{path}_ms_per_query": 1000 * t / sources.numel() for path, t in best.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--split", default="WN18RR_v4")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--train-batch-size",
        type=int,
        default=8,
        help="queries in the training-step memory measurement (default: 8; "
        "the plain path keeps about 12 x E x B x 64 floats for backward)",
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", choices=("lean", "plain"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--mode",
        choices=("inference", "training"),
        default="inference",
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_memory(args)))
        return
    base = [
        sys.executable,
        __file__,
        "--root",
        args.root,
        "--checkpoint",
        args.checkpoint,
        "--split",
        args.split,
        "--batch-size",
        str(args.batch_size),
        "--threads",
        str(args.threads),
        "--train-batch-size",
        str(args.train_batch_size),
    ]
    memory = {}
    for mode in ("inference", "training"):
        for path in ("lean", "plain"):
            result = subprocess.run(
                base + ["--one", path, "--mode", mode],
                capture_output=True,
                text=True,
                check=True,
            )
            memory[(mode, path)] = json.loads(result.stdout.strip().splitlines()[-1])
    timing = measure_time(args)
    print(
        f"{args.split}, inference batch {args.batch_size}, training batch "
        f"{args.train_batch_size}, {args.threads} thread(s)"
    )
    print(
        "| path | ms/query (inference) | peak memory growth, inference (MiB) "
        "| peak memory growth, one training step (MiB) |"
    )
    print("| --- | ---: | ---: | ---: |")
    for path in ("lean", "plain"):
        print(
            f"| {path} | {timing[f'{path}_ms_per_query']:.1f} "
            f"| {memory[('inference', path)]['peak_growth_mib']:.0f} "
            f"| {memory[('training', path)]['peak_growth_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
