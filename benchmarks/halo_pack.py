"""CPU time of packing halo rows: ``index_select`` against advanced indexing.

Before each send, a rank gathers the rows its peer needs into a new tensor
(``graphkit.distributed.halo.gather_rows``). The script measures that step with
``index_select`` (the current code) and with advanced indexing ``t[rows]`` (the earlier
code) in two ways:

* ``pack``: one process gathers the rows that rank 0 sends rank 1 in a METIS partition
  of the synthetic graph, alternating the two methods, at widths 128, 64 and 10. The
  epoch run below sends rows of width 64 (its input features and hidden width) and 10
  (its classes). Width 128 is the input width of the ``sar_memory.py`` graphs.
* ``epoch``: two ranks (gloo on 127.0.0.1, one thread each) train GraphSAGE with the
  defaults of ``graphkit train`` on those partitions. Each rank runs rounds of
  ``--epochs`` epochs (a training step and an evaluation pass, as the trainer runs
  them) and switches the method between rounds. It reports the CPU time of its main
  thread per epoch and the part of it spent packing.

Both report the lowest time over ``--repeats`` rounds. Example (the configuration
recorded in docs/benchmarks.md)::

    OMP_NUM_THREADS=1 python benchmarks/halo_pack.py --nodes 100000 --repeats 5 \\
        --out /tmp/halo_pack
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from two_ranks import partitions_folder, prepare_partitions, report_path, run_two_ranks

WIDTHS = (128, 64, 10)
METHODS = ("advanced indexing", "index_select")
REPORT_STEM = "epoch"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--nodes", type=int, default=100_000, help="nodes of the synthetic graph"
    )
    parser.add_argument(
        "--degree",
        type=float,
        default=20.0,
        help="average in-degree of the synthetic graph",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="measured rounds per method; the lowest time is reported",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=3,
        help="epochs per round of the epoch measurement",
    )
    parser.add_argument(
        "--parts",
        choices=["pack", "epoch"],
        nargs="+",
        default=["pack", "epoch"],
        help="measurements to run",
    )
    parser.add_argument(
        "--out", required=True, help="folder for partitions and reports"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def advanced_indexing(tensor, rows):
    """Gather ``tensor[rows]`` with advanced indexing, as the earlier code did."""
    return tensor[rows]


def min_cpu_seconds(function, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        function()
        best = min(best, time.thread_time() - start)
    return best


def pack(args, folder: Path) -> None:
    """Time the gather of rank 0's send rows at each width, the methods alternating."""
    import torch
    from graphkit.distributed.files import load_partition
    from graphkit.distributed.halo import gather_rows

    torch.set_num_threads(1)
    payload = load_partition(folder, 1, 2)
    # Rank 1's block from rank 0 lists, in its sources, the rows rank 0 sends it.
    sources = payload["edges"][0][0]
    rows = torch.unique(sources) - int(payload["node_ranges"][0])
    owned = int(payload["node_ranges"][1] - payload["node_ranges"][0])
    print(f"rank 0 sends {rows.numel()} of its {owned} rows")
    print("| width | advanced indexing CPU ms | index_select CPU ms | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    for width in WIDTHS:
        table = torch.randn(owned, width)
        assert torch.equal(advanced_indexing(table, rows), gather_rows(table, rows))
        best = {name: float("inf") for name in METHODS}
        for _ in range(args.repeats):
            for name, method in zip(METHODS, (advanced_indexing, gather_rows)):
                seconds = min_cpu_seconds(lambda m=method, t=table: m(t, rows), 3)
                best[name] = min(best[name], seconds)
        old, new = (best[name] * 1e3 for name in METHODS)
        print(f"| {width} | {old:.2f} | {new:.2f} | {new / old:.2f} |")


def worker(args) -> None:
    """Run one rank of the epoch measurement and write its report."""
    import torch
    from graphkit.distributed import halo, runtime

    from graphkit.train import TrainConfig, Trainer

    torch.set_num_threads(1)
    rank, world_size = runtime.init_process_group()
    folder = partitions_folder(args.out, args.nodes)
    config = TrainConfig(partitions=str(folder), model="sage", epochs=10**6)
    graph, data = runtime.build_partition(config, rank, world_size)
    trainer = Trainer(config, data, graph)
    packing = {"seconds": 0.0}

    def timed(method):
        def gather(tensor, rows):
            start = time.thread_time()
            result = method(tensor, rows)
            packing["seconds"] += time.thread_time() - start
            return result

        return gather

    variants = dict(zip(METHODS, (timed(advanced_indexing), timed(halo.gather_rows))))
    best = {name: {"epoch": float("inf"), "pack": float("inf")} for name in METHODS}
    epoch = 0
    # Round 0 is a warm-up that builds the cached matrices, and is not counted.
    for round_index in range(args.repeats + 1):
        for name, method in variants.items():
            halo.gather_rows = method
            packing["seconds"] = 0.0
            start = time.thread_time()
            for _ in range(args.epochs):
                epoch += 1
                torch.manual_seed(epoch * 2 + rank)
                trainer.train_step()
                trainer.evaluate()
            seconds = (time.thread_time() - start) / args.epochs
            if round_index:
                best[name]["epoch"] = min(best[name]["epoch"], seconds)
                best[name]["pack"] = min(
                    best[name]["pack"], packing["seconds"] / args.epochs
                )
    report_path(args.out, REPORT_STEM, rank).write_text(json.dumps(best))
    runtime.destroy_process_group()


def epoch(args) -> None:
    """Start two ranks and print their lowest CPU time per epoch with each method."""
    reports = run_two_ranks(__file__, args.out, REPORT_STEM)
    print("| method | rank | CPU s per epoch | packing CPU s per epoch |")
    print("| --- | ---: | ---: | ---: |")
    for name in METHODS:
        for rank, report in enumerate(reports):
            row = report[name]
            print(f"| {name} | {rank} | {row['epoch']:.3f} | {row['pack']:.4f} |")


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.worker is not None:
        worker(args)
        return
    folder = prepare_partitions(args.out, args.nodes, args.degree)
    if "pack" in args.parts:
        pack(args, folder)
    if "epoch" in args.parts:
        epoch(args)


if __name__ == "__main__":
    main()
