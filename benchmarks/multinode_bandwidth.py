"""Epoch time and bytes per epoch of two-machine training on shaped links, and a fit.

Two network namespaces on one host act as two machines (see
``tests/multinode/multinode_net.py``). Every machine's egress is shaped with ``tc``
tbf to 1 Gbit/s or 100 Mbit/s, or left unshaped (a veth pair, several Gbit/s). For each
rate and each aggregation mode, ``graphkit train`` runs under torchrun with one process
per machine on a synthetic graph; the median epoch time (epochs 2 onward) and rank 0's
bytes sent per epoch come from ``metrics.jsonl``.

The fitted model, per configuration, is

    t(B) = t_compute + k * bytes / B,

with ``t_compute`` and ``k`` (an efficiency factor, 1 for a perfect link) fitted by
least squares over the rates, B in bytes per second. The unshaped run enters with
``bytes / B = 0``. ``--predict-from`` then estimates the epoch time for a papers100M-sized
graph from the partition statistics stated in :data:`PAPERS100M`.

Usage (as root)::

    python benchmarks/multinode_bandwidth.py --nodes 20000 --epochs 5 --json out.json
    python benchmarks/multinode_bandwidth.py --predict-from out.json

The prediction reads the graph size from the results and partitions that graph again.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "multinode"))

from multinode_net import NamespaceNet
from multinode_runs import start_static, wait_all

CONFIGS = {
    "sar": ("--mode", "sar"),
    "sa": ("--mode", "sa"),
    "one-shot": ("--mode", "one-shot"),
    "sar+quantize8": (
        "--mode",
        "sar",
        "--compression",
        "quantize",
        "--compression-bits",
        "8",
    ),
}
RATES_MBIT = (None, 1000.0, 100.0)

# Assumed partition statistics of ogbn-papers100M (111,059,956 nodes, 1,615,685,872
# edges, about 3.2e9 stored edges with both directions). The halo ratio is the number of
# remote rows a machine needs per owned node; these values are assumptions for a
# METIS partitioning, not measurements.
PAPERS100M = {
    "nodes": 111_059_956,
    "stored_edges": 3_231_371_744,
    "halo_ratio": {8: 0.5, 32: 1.0, 128: 1.5},
}


def run_once(
    nodes: int, epochs: int, rate: float | None, options, folder: Path
) -> dict:
    net = NamespaceNet(2, rate)
    try:
        train = [
            "-m",
            "graphkit.launch",
            "train",
            "--epochs",
            str(epochs),
            "--dataset-options",
            f"{{num_nodes: {nodes}}}",
            "--out",
            str(folder / "out"),
            "--patience",
            "0",
            *options,
        ]
        codes = wait_all(start_static(net, 1, train, folder), timeout_s=600)
    finally:
        net.close()
    if codes != [0, 0]:
        log = (folder / "machine0.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"run failed with exit codes {codes}:\n{log}")
    records = [json.loads(line) for line in (folder / "out" / "metrics.jsonl").open()]
    later = records[1:]
    return {
        "epoch_time_s": statistics.median(r["epoch_time_s"] for r in later),
        "bytes_per_epoch": statistics.median(r["sent_bytes"] for r in later),
    }


def fit(points: list[tuple[float | None, dict]]) -> tuple[float, float]:
    """Least-squares ``(t_compute, k)`` of ``t = t_compute + k * bytes / B``."""
    seconds = [p["epoch_time_s"] for _, p in points]
    transfer = [
        0.0 if rate is None else p["bytes_per_epoch"] / (rate * 1e6 / 8)
        for rate, p in points
    ]
    design = np.column_stack([np.ones(len(points)), transfer])
    (compute, k), *_ = np.linalg.lstsq(design, np.array(seconds), rcond=None)
    return float(compute), float(k)


def measured_partition(nodes: int) -> dict:
    """Stored edges and halo rows of machine 0 in the two-machine run (same METIS seed)."""
    from graphkit.datasets import load_dataset
    from graphkit.distributed import partition_nodes
    from graphkit.distributed.partition import partition_summary

    data = load_dataset("synthetic", None, num_nodes=nodes)
    parts = partition_nodes(data.edge_index, data.num_nodes, 2, "metis", None, 0)
    summary = partition_summary(data.edge_index, parts, 2)
    return {
        "stored_edges": int(data.edge_index.size(1)),
        "halo_rows": int(summary["halo_sizes"][0]),
        "owned_nodes": int((parts == 0).sum()),
    }


def predict(results: dict, measured: dict) -> list[dict]:
    """Epoch time of each configuration on papers100M at 8, 32 and 128 machines.

    Scales the fitted compute time by the stored edges per machine and the bytes per
    epoch by the halo rows per machine (bytes per halo row taken from the measured run):

        t(P, B) = t_compute * (E / P) / (E_run / 2) + k * beta * h(P) * (N / P) / B.
    """
    rows = []
    edges_run = measured["stored_edges"] / 2
    for name, result in results.items():
        bytes_per_epoch = result["points"][0][1]["bytes_per_epoch"]
        beta = bytes_per_epoch / measured["halo_rows"]
        for machines, ratio in PAPERS100M["halo_ratio"].items():
            compute = (
                result["t_compute_s"]
                * PAPERS100M["stored_edges"]
                / machines
                / edges_run
            )
            halo_bytes = beta * ratio * PAPERS100M["nodes"] / machines
            for gbit in (1.0, 10.0):
                seconds = compute + result["k"] * halo_bytes / (gbit * 1e9 / 8)
                rows.append(
                    {
                        "config": name,
                        "machines": machines,
                        "gbit": gbit,
                        "compute_s": compute,
                        "bytes": halo_bytes,
                        "epoch_s": seconds,
                    }
                )
    return rows


DEFAULT_NODES = 20_000


def graph_nodes(results: dict, requested: int | None) -> int:
    """Return the synthetic graph size that the runs in ``results`` trained on.

    The prediction partitions that graph again to count its edges and halo rows, so it
    must be the graph of the runs. JSON files written before the size was recorded give
    ``requested`` (or the default) instead.
    """
    recorded = {r["nodes"] for r in results.values() if "nodes" in r}
    if len(recorded) > 1:
        raise ValueError(f"the results mix graph sizes {sorted(recorded)}")
    if not recorded:
        return requested or DEFAULT_NODES
    nodes = recorded.pop()
    if requested is not None and requested != nodes:
        raise ValueError(
            f"--nodes {requested} differs from the {nodes} nodes the results were "
            f"measured on; leave --nodes out or give --nodes {nodes}"
        )
    return nodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--nodes",
        type=int,
        help=f"synthetic graph size (default: {DEFAULT_NODES}, or with --predict-from "
        "the size recorded in its results)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=6,
        help="epochs per run, at least 2, because the medians skip the first epoch",
    )
    parser.add_argument(
        "--configs",
        default=",".join(CONFIGS),
        help="comma-separated subset of " + ", ".join(CONFIGS),
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--predict-from",
        type=Path,
        help="skip the runs: read the results of an earlier --json",
    )
    args = parser.parse_args()
    if args.epochs < 2 and not args.predict_from:
        parser.error(
            f"--epochs {args.epochs} is too small: give at least 2, because the first "
            "epoch is left out of the median epoch time and bytes"
        )
    if args.predict_from:
        results = json.loads(args.predict_from.read_text())
        try:
            nodes = graph_nodes(results, args.nodes)
        except ValueError as error:
            parser.error(f"--predict-from {args.predict_from}: {error}")
        measured = measured_partition(nodes)
        print(f"measured partition: {measured}")
        for row in predict(results, measured):
            print(
                f"{row['config']:14s} P={row['machines']:4d} {row['gbit']:4.0f} Gbit/s: "
                f"compute {row['compute_s']:8.2f} s, {row['bytes'] / 1e9:7.2f} GB, "
                f"epoch {row['epoch_s']:8.2f} s"
            )
        return
    nodes = args.nodes or DEFAULT_NODES
    results = {}
    with tempfile.TemporaryDirectory(prefix="gk-bandwidth-") as scratch:
        for name in args.configs.split(","):
            points = []
            for rate in RATES_MBIT:
                folder = Path(scratch) / f"{name}-{rate}"
                folder.mkdir()
                measured = run_once(nodes, args.epochs, rate, CONFIGS[name], folder)
                points.append((rate, measured))
                print(
                    f"{name:14s} rate {rate or 'unshaped'!s:>9} Mbit/s: "
                    f"{measured['epoch_time_s']:.3f} s/epoch, "
                    f"{measured['bytes_per_epoch'] / 1e6:.2f} MB/epoch",
                    flush=True,
                )
            compute, k = fit(points)
            print(f"{name:14s} fit: t_compute {compute:.3f} s, k {k:.2f}", flush=True)
            results[name] = {
                "points": points,
                "t_compute_s": compute,
                "k": k,
                "nodes": nodes,
            }
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
