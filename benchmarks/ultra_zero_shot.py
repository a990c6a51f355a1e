"""Zero-shot ULTRA on the 12 GraIL inductive splits: MRR, Hits@k, time per query, memory.

Each split (or shard) runs in its own subprocess so that its peak resident memory
(``ru_maxrss``) is its own. Test queries are ``NAME_ind/valid.txt`` + ``NAME_ind/test.txt`` ranked on the
inference graph against all entities (filtered, head and tail, pessimistic ties).

Usage::

    python benchmarks/ultra_zero_shot.py --root DATA/kg --checkpoint DATA/ultra/ultra_3g.pth \\
        --out ultra_zero_shot.json [--splits fb237_v1 WN18RR_v1]

Prints a Markdown table; ``--out`` keeps one JSON record per split (appended as each
split finishes, so a long run can be resumed with ``--skip-done``). With ``--workers``
several subprocesses run at once, and large splits are cut into query shards: a rank
depends only on its own query, so the merged metrics equal an unsharded run.
Time per query is the summed evaluation time of the shards over the number of ranks;
peak memory is the largest shard's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SPLITS = [
    f"{family}_v{k}" for family in ("fb237", "WN18RR", "nell") for k in range(1, 5)
]

# ULTRA 3g zero-shot MRR / Hits@10 per split attributed to the appendix of Galkin et al.
# (ICLR 2024) for the original TorchDrug weights, not the released PyG files run here.
# NOTE: these values were transcribed second-hand and not checked against the paper here.
PUBLISHED = {
    "fb237_v1": (0.498, 0.656),
    "fb237_v2": (0.512, 0.700),
    "fb237_v3": (0.491, 0.654),
    "fb237_v4": (0.486, 0.677),
    "WN18RR_v1": (0.648, 0.768),
    "WN18RR_v2": (0.663, 0.765),
    "WN18RR_v3": (0.376, 0.476),
    "WN18RR_v4": (0.611, 0.705),
    "nell_v1": (0.785, 0.913),
    "nell_v2": (0.526, 0.707),
    "nell_v3": (0.515, 0.702),
    "nell_v4": (0.479, 0.712),
}


# Entities x test queries (head and tail) of each inference graph: the evaluation cost.
WORK_UNITS = {
    "fb237_v1": 1093 * 822,
    "fb237_v2": 1660 * 1894,
    "fb237_v3": 2501 * 3462,
    "fb237_v4": 3051 * 5680,
    "WN18RR_v1": 922 * 746,
    "WN18RR_v2": 2757 * 1704,
    "WN18RR_v3": 5084 * 2286,
    "WN18RR_v4": 7084 * 5646,
    "nell_v1": 225 * 402,
    "nell_v2": 2086 * 1870,
    "nell_v3": 3566 * 3240,
    "nell_v4": 2795 * 2894,
}


def rss_mib() -> float:
    """Current resident set size of this process in MiB (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_one(args: argparse.Namespace) -> dict:
    """Rank one shard of one split's test triples (``--one NAME --shard I/N``)."""
    import torch

    from graphkit.kg import LinkPredictionSet, Ultra, evaluate_ranks, load_dataset

    torch.set_num_threads(args.threads)
    model = Ultra.from_pretrained(args.checkpoint, aggregation=args.aggregation)
    split = load_dataset(args.root, args.one)
    index, count = (int(part) for part in args.shard.split("/"))
    test = split.test
    shard = LinkPredictionSet(
        test.graph, test.queries[index::count], test.filter_triples, test.name
    )
    _ = test.graph.relation_graph  # built once per graph, not timed per query
    baseline = rss_mib()
    started = time.perf_counter()
    ranks = evaluate_ranks(model, shard, batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "split": args.one,
        "ranks": ranks.tolist(),
        "seconds": seconds,
        "peak_rss_mib": peak,
        "rss_before_eval_mib": baseline,
        "entities": test.graph.num_entities,
        "facts": test.graph.num_facts,
    }


def merge_shards(name: str, parts: list[dict], args: argparse.Namespace) -> dict:
    """Combine the shards of one split into its metrics."""
    import torch

    from graphkit.kg import summarize_ranks

    ranks = torch.tensor([rank for part in parts for rank in part["ranks"]])
    metrics = summarize_ranks(ranks)
    seconds = sum(part["seconds"] for part in parts)
    return {
        "split": name,
        **metrics,
        "seconds": seconds,
        "ms_per_query": 1000 * seconds / metrics["num_ranks"],
        "peak_rss_mib": max(part["peak_rss_mib"] for part in parts),
        "entities": parts[0]["entities"],
        "facts": parts[0]["facts"],
        "shards": len(parts),
        "batch_size": args.batch_size,
        "threads": args.threads,
        "aggregation": args.aggregation,
    }


def markdown(records: list[dict]) -> str:
    lines = [
        (
            "| split | entities | facts | ranks | MRR | Hits@1 | Hits@3 | Hits@10 "
            "| paper MRR | paper Hits@10 | ms/query | peak RSS (MiB) |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in records:
        paper = PUBLISHED.get(r["split"], (float("nan"), float("nan")))
        lines.append(
            f"| {r['split']} | {r['entities']:,} | {r['facts']:,} | {r['num_ranks']:,} "
            f"| {r['mrr']:.3f} | {r['hits@1']:.3f} | {r['hits@3']:.3f} | {r['hits@10']:.3f} "
            f"| {paper[0]:.3f} | {paper[1]:.3f} | {r['ms_per_query']:.1f} "
            f"| {r['peak_rss_mib']:.0f} |"
        )
    if records:
        mean = {
            k: sum(r[k] for r in records) / len(records) for k in ("mrr", "hits@10")
        }
        known = [PUBLISHED[r["split"]] for r in records if r["split"] in PUBLISHED]
        paper_mrr = sum(p[0] for p in known) / max(len(known), 1)
        paper_hits = sum(p[1] for p in known) / max(len(known), 1)
        lines.append(
            f"| mean | | | | {mean['mrr']:.3f} | | | {mean['hits@10']:.3f} "
            f"| {paper_mrr:.3f} | {paper_hits:.3f} | | |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", required=True, help="folder with the GraIL split folders"
    )
    parser.add_argument("--checkpoint", required=True, help="ULTRA checkpoint file")
    parser.add_argument("--splits", nargs="*", default=SPLITS)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--aggregation", choices=("lean", "plain"), default="lean")
    parser.add_argument("--out", type=Path, default=None, help="JSON-lines result file")
    parser.add_argument(
        "--skip-done", action="store_true", help="skip splits already recorded in --out"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="splits (or shards) evaluated at the same time (default: 1)",
    )
    parser.add_argument(
        "--shard-work",
        type=float,
        default=5e6,
        help="split a split's queries into shards of about this many "
        "entity x query units (default: 5e6)",
    )
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--shard", default="0/1", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args)))
        return
    args.shards = {
        name: max(1, round(WORK_UNITS.get(name, 0) / args.shard_work))
        for name in args.splits
    }
    done = {}
    if args.out is not None and args.out.is_file():
        for line in args.out.read_text().splitlines():
            record = json.loads(line)
            done[record["split"]] = record
    todo = [name for name in args.splits if not (args.skip_done and name in done)]
    # Shard large splits so the workers finish together; ranks are independent per query.
    tasks = [
        (name, i, args.shards.get(name, 1))
        for name in todo
        for i in range(args.shards.get(name, 1))
    ]
    tasks.sort(key=lambda task: -WORK_UNITS.get(task[0], 0) / task[2])  # longest first
    parts: dict[str, list[dict]] = {name: [] for name in todo}
    running: list[tuple[str, subprocess.Popen]] = []
    while tasks or running:
        while tasks and len(running) < args.workers:
            name, index, count = tasks.pop(0)
            command = [
                sys.executable,
                __file__,
                "--one",
                name,
                "--shard",
                f"{index}/{count}",
                "--root",
                args.root,
                "--checkpoint",
                args.checkpoint,
                "--batch-size",
                str(args.batch_size),
                "--threads",
                str(args.threads),
                "--aggregation",
                args.aggregation,
            ]
            running.append(
                (name, subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
            )
        time.sleep(1)
        for name, process in list(running):
            if process.poll() is None:
                continue
            running.remove((name, process))
            output = process.stdout.read()
            if process.returncode != 0:
                raise RuntimeError(f"{name} failed with exit code {process.returncode}")
            parts[name].append(json.loads(output.strip().splitlines()[-1]))
            shards = args.shards.get(name, 1)
            if len(parts[name]) == shards:
                record = merge_shards(name, parts[name], args)
                done[name] = record
                print(
                    f"{name}: MRR {record['mrr']:.4f} Hits@10 {record['hits@10']:.4f} "
                    f"({record['ms_per_query']:.1f} ms/query)",
                    file=sys.stderr,
                    flush=True,
                )
                if args.out is not None:
                    with open(args.out, "a") as handle:
                        handle.write(json.dumps(record) + "\n")
    records = [done[name] for name in args.splits if name in done]
    print(markdown(records))


if __name__ == "__main__":
    main()
