"""Accuracy against bytes sent for fixed and variable halo compression rates.

Trains the same model on 4 partitions (one gloo process each, on this machine) with
full communication, fixed random-projection ratios 2, 4, 8 and 16 and the variable
schedules (step 64-8, step, exp, adaptive). For each run it records the test metric
at the best validation epoch and at the last epoch, and the bytes sent by all ranks:
in total, of halo rows and their gradients, and of metric reductions. Full
communication runs as ratio 1, which is bit-identical to no compression but keeps the
all-rank byte count.

    python benchmarks/compression.py --dataset synthetic --out docs/compression
    python benchmarks/compression.py --dataset tolokers --root /path/to/graphs --out docs/compression

Writes ``<out>/compression_<dataset><suffix>.json``, ``.md`` (a table) and ``.png``
(metric against bytes).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import tempfile
import time
import traceback
from pathlib import Path

import torch.multiprocessing as mp

# Options shared by every run of one dataset.
DATASETS = {
    "synthetic": {
        "dataset": "synthetic",
        "dataset_options": {
            "num_nodes": 10_000,
            "feature_signal": 0.5,
            "homophily": 0.7,
        },
        "model": "sage",
        "hidden": 64,
        "epochs": 200,
        "lr": 0.05,
        "dropout": 0.3,
        "compression_min_width": 1,
    },
    "tolokers": {
        "dataset": "tolokers",
        "split": 0,
        "model": "sage",
        "hidden": 64,
        "epochs": 60,
        "lr": 0.01,
        "dropout": 0.2,
        "compression_min_width": 1,
    },
}


def runs(epochs: int) -> dict[str, dict]:
    """Compression options of each run, by name."""
    projection = {"compression": "random-projection"}
    result = {"full": {**projection, "compression_ratio": 1.0}}
    for ratio in (2, 4, 8, 16):
        result[f"fixed {ratio}"] = {**projection, "compression_ratio": float(ratio)}
    # Every variable schedule sends everything in its last 15-20% of the epochs.
    result["step"] = {
        **projection,
        "compression_ratio": 32.0,
        "compression_schedule": "step",
        "compression_end_epoch": round(0.8 * epochs),
        "compression_steps": 5,
    }
    # Ratios 64 and 8, then full communication for the last 30% of the epochs: the
    # budget buys more epochs at ratio 1 instead of epochs at ratios 4 and 2. Chosen with
    # seed 0 over "step" and over three plateaus (64, 16, 4) ending at the same epoch.
    result["step 64-8"] = {
        **projection,
        "compression_ratio": 64.0,
        "compression_schedule": "step",
        "compression_end_epoch": round(0.7 * epochs),
        "compression_steps": 2,
    }
    result["exp"] = {
        **projection,
        "compression_ratio": 64.0,
        "compression_schedule": "exp",
        "compression_end_epoch": round(0.85 * epochs),
    }
    result["adaptive"] = {
        **projection,
        "compression_ratio": 32.0,
        "compression_schedule": "adaptive",
        "compression_patience": 3,
        "compression_end_epoch": round(0.8 * epochs),
    }
    return result


def _worker(rank, world_size, port, jobs, root, results) -> None:
    os.environ.update(
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        OMP_NUM_THREADS="1",
    )
    import torch

    torch.set_num_threads(1)
    from graphkit.distributed import runtime

    from graphkit.train.config import TrainConfig
    from graphkit.train.trainer import Trainer

    try:
        runtime.init_process_group(600.0)
        for name, options in jobs:
            out = Path(root) / name.replace(" ", "_")
            config = TrainConfig(**options, out=str(out) if rank == 0 else None)
            graph, data = runtime.build_partition(config, rank, world_size)
            start = time.perf_counter()
            summary = Trainer(config, data, graph).fit()
            if rank == 0:
                results.put((name, summary, time.perf_counter() - start, str(out)))
        results.put(("done", rank, None, None))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        results.put(("error", rank, traceback.format_exc(), None))
    finally:
        runtime.destroy_process_group()


def run_all(jobs: list[tuple[str, dict]], world_size: int, workdir: str) -> list[dict]:
    from graphkit.distributed.runtime import free_port

    context = mp.get_context("fork")
    results = context.Queue()
    port = free_port()
    procs = [
        context.Process(
            target=_worker, args=(r, world_size, port, jobs, workdir, results)
        )
        for r in range(world_size)
    ]
    for proc in procs:
        proc.start()
    rows, done = [], 0
    try:
        while done < world_size:
            # ("error", rank, traceback, None), ("done", rank, None, None) or
            # (run name, trainer summary, seconds, output folder).
            name, payload, detail, out = results.get(timeout=3600)
            if name == "error":
                raise RuntimeError(f"rank {payload} failed:\n{detail}")
            if name == "done":
                done += 1
                continue
            rows.append(summarise(name, payload, detail, Path(out)))
            print(
                f"{name}: test {rows[-1]['test']:.4f}, {rows[-1]['mib']:.1f} MiB",
                flush=True,
            )
    except queue.Empty as error:
        raise RuntimeError("a run produced no result within an hour") from error
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    return rows


def summarise(name: str, summary: dict, seconds: float, out: Path) -> dict:
    records = [
        json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()
    ]
    metric = summary["metric"]
    return {
        "run": name,
        "metric": metric,
        "test": summary["test"],
        "best_epoch": summary["best_epoch"],
        "last_test": records[-1][f"test_{metric}"],
        "bytes": records[-1]["total_sent_bytes_all_ranks"],
        "mib": records[-1]["total_sent_bytes_all_ranks"] / 2**20,
        "halo_bytes": records[-1]["total_halo_bytes_all_ranks"],
        "metric_bytes": records[-1]["total_metric_bytes_all_ranks"],
        "ratios": [r["compression_ratio"] for r in records],
        "test_curve": [r[f"test_{metric}"] for r in records],
        "seconds": seconds,
    }


def write_outputs(
    rows: list[dict], dataset: str, out: Path, options: dict, suffix: str = ""
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # Names are joined as strings, because Path.with_suffix would replace the part
    # after a dot in the suffix (_lr0.05) or the dataset name.
    stem = f"compression_{dataset}{suffix}"
    (out / f"{stem}.json").write_text(
        json.dumps({"options": options, "runs": rows}, indent=1)
    )
    (out / f"{stem}.md").write_text(table(rows))
    plot(rows, dataset, out / f"{stem}.png")


def table(rows: list[dict]) -> str:
    """Return a Markdown table of the runs, with shares relative to the run ``full``.

    Without a ``full`` run (``--only`` left it out) the share columns hold ``-``.
    """
    full = next((r for r in rows if r["run"] == "full"), None)
    lines = [
        (
            f"| run | test {rows[0]['metric']} (best val epoch) | test at last epoch | "
            "MiB sent, all ranks | of which halo | of which metric | bytes vs full | "
            "halo bytes vs full |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        if full is None:
            shares = "- | -"
        else:
            shares = (
                f"{r['bytes'] / full['bytes']:.1%} | "
                f"{r['halo_bytes'] / full['halo_bytes']:.1%}"
            )
        lines.append(
            f"| {r['run']} | {r['test']:.4f} ({r['best_epoch']}) | {r['last_test']:.4f} | "
            f"{r['mib']:.1f} | {r['halo_bytes'] / 2**20:.1f} | "
            f"{r['metric_bytes'] / 2**20:.1f} | {shares} |"
        )
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], dataset: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    fixed = [r for r in rows if r["run"] == "full" or r["run"].startswith("fixed")]
    fixed.sort(key=lambda r: r["bytes"])
    ax.plot(
        [r["mib"] for r in fixed],
        [r["test"] for r in fixed],
        "o-",
        color="tab:blue",
        label="full and fixed ratios",
    )
    for r in fixed:
        ax.annotate(
            r["run"], (r["mib"], r["test"]), textcoords="offset points", xytext=(4, -10)
        )
    variable = [r for r in rows if r not in fixed]
    ax.plot(
        [r["mib"] for r in variable],
        [r["test"] for r in variable],
        "s",
        color="tab:red",
        label="variable schedules",
    )
    # The variable runs send similar bytes, so their labels go one under the other.
    for i, r in enumerate(variable):
        ax.annotate(
            r["run"],
            (r["mib"], r["test"]),
            textcoords="offset points",
            xytext=(8, 6 - 11 * i),
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_xlabel("MiB sent by all ranks (log scale)")
    ax.set_ylabel(f"test {rows[0]['metric']}")
    ax.set_title(f"{dataset}, 4 partitions, random projection")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="synthetic")
    parser.add_argument(
        "--root", help="graphs folder holding heterophilous/ (tolokers)"
    )
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--parts-method", choices=("random", "metis"), default="random")
    parser.add_argument("--epochs", type=int, help="override the dataset's epoch count")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="training seed: model weights, dropout, partition and projections "
        "(the graph stays the same)",
    )
    parser.add_argument(
        "--suffix", default="", help="appended to the output file names, e.g. _seed1"
    )
    parser.add_argument(
        "--only", nargs="*", help="run only these runs (names as in the table)"
    )
    parser.add_argument(
        "--out", default="docs/compression", help="folder for json, md and png"
    )
    args = parser.parse_args()
    options = dict(DATASETS[args.dataset])
    if args.epochs:
        options["epochs"] = args.epochs
    known = runs(options["epochs"])
    unknown = [name for name in args.only or () if name not in known]
    if unknown:
        parser.error(
            f"--only: invalid run names {unknown}; the runs are "
            + ", ".join(repr(name) for name in known)
            + ' (quote names with spaces, e.g. --only full "step 64-8")'
        )
    if args.root:
        options["root"] = args.root
    options.update(
        parts_method=args.parts_method, patience=0, log_every=10**9, seed=args.seed
    )
    jobs = [
        (name, {**options, **extra})
        for name, extra in known.items()
        if not args.only or name in args.only
    ]
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        # One process group per run, so no run inherits another's memory peak or
        # caches.
        for index, (name, run_options) in enumerate(jobs, 1):
            # A run takes minutes, and the result line comes only at its end.
            print(
                f"run {index}/{len(jobs)}: {name} starts ({run_options['epochs']} "
                f"epochs on {args.parts} partitions)",
                flush=True,
            )
            rows += run_all([(name, run_options)], args.parts, workdir)
    write_outputs(rows, args.dataset, Path(args.out), options, args.suffix)


if __name__ == "__main__":
    main()
