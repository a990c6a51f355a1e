"""CPU time of a distributed GAT epoch: attention sums in one pass against two.

A rank's GAT forward pass folds the blocks into an online softmax. For each block it
used to compute the edge scores three times: for the block's maximum
(``block_max``), for its normaliser (``block_sum``) and for its weighted values
(``block_weighted``). ``block_sum_weighted`` (the current code) computes the normaliser
and the weighted values from one computation of the scores and exponentials, so the
forward pass computes the scores twice. Both give the same bits.

Two ranks (gloo on 127.0.0.1, one thread each) train GAT with the defaults of
``graphkit train`` on two METIS partitions of the synthetic graph. Each rank runs
rounds of ``--epochs`` epochs (a training step and an evaluation pass, as the trainer
runs them) and switches between the two versions after each round. Before timing,
every rank checks that both versions give equal logits. Then one process trains the
whole graph with the same options, for the ratio of 2 ranks against one process.
Every time is the lowest CPU time of the main thread over ``--repeats`` rounds.
Example (the configuration recorded in docs/benchmarks.md)::

    OMP_NUM_THREADS=1 python benchmarks/sar_attention_pass.py --nodes 100000 \\
        --repeats 5 --out /tmp/sar_attention_pass
"""

from __future__ import annotations

import argparse
import json
import time

from two_ranks import partitions_folder, prepare_partitions, report_path, run_two_ranks

VERSIONS = ("three score passes", "two score passes")
REPORT_STEM = "attention"


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
        "--mode", choices=["sar", "sa", "one-shot"], default="sar", help="SAR mode"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="measured rounds per version; the lowest time is reported",
    )
    parser.add_argument(
        "--epochs", type=int, default=2, help="epochs per round"
    )
    parser.add_argument(
        "--out", required=True, help="folder for partitions and reports"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def dataset_options(args) -> dict:
    return {"num_nodes": args.nodes, "avg_degree": args.degree}


def three_passes(block, value, s_src, s_dst, slope, m, out, dropout):
    """Compute ``z`` with ``block_sum``, then add ``block_weighted`` with ``z`` all ones.

    This is the earlier code, which computes the scores once in each call.
    """
    import torch

    from graphkit.ops.attention import block_sum, block_weighted

    z = block_sum(block, s_src, s_dst, slope, m)
    block_weighted(
        block, value, s_src, s_dst, slope, m, torch.ones_like(m), dropout, out=out
    )
    return z


def epochs_cpu(trainer, args, epoch: int, rank: int) -> float:
    """Run ``args.epochs`` epochs and return the CPU seconds of one."""
    import torch

    start = time.thread_time()
    for index in range(args.epochs):
        torch.manual_seed((epoch + index) * 2 + rank)
        trainer.train_step()
        trainer.evaluate()
    return (time.thread_time() - start) / args.epochs


def worker(args) -> None:
    """Run one rank, alternating the two versions, and write its report."""
    import torch
    from graphkit.distributed import runtime, sar

    from graphkit.train import TrainConfig, Trainer

    torch.set_num_threads(1)
    rank, world_size = runtime.init_process_group()
    folder = partitions_folder(args.out, args.nodes)
    config = TrainConfig(
        partitions=str(folder), model="gat", mode=args.mode, epochs=10**6
    )
    graph, data = runtime.build_partition(config, rank, world_size)
    trainer = Trainer(config, data, graph)
    variants = dict(zip(VERSIONS, (three_passes, sar.block_sum_weighted)))
    logits = {}
    for name, function in variants.items():
        sar.block_sum_weighted = function
        trainer.model.eval()
        with torch.no_grad():
            logits[name] = trainer.model(data.x, graph)
    equal = torch.equal(*logits.values())
    best = {name: float("inf") for name in VERSIONS}
    epoch = 0
    # Round 0 is a warm-up that builds the cached structures, and is not counted.
    for round_index in range(args.repeats + 1):
        for name, function in variants.items():
            sar.block_sum_weighted = function
            seconds = epochs_cpu(trainer, args, epoch, rank)
            epoch += args.epochs
            if round_index:
                best[name] = min(best[name], seconds)
    report = {"equal": equal, "best": best}
    report_path(args.out, REPORT_STEM, rank).write_text(json.dumps(report))
    runtime.destroy_process_group()


def one_process(args) -> float:
    """Return the lowest CPU seconds of one epoch of the whole graph in one process."""
    import torch
    from graphkit.launch.cmd_train import load_local

    from graphkit.train import TrainConfig, Trainer

    torch.set_num_threads(1)
    config = TrainConfig(
        model="gat", dataset_options=dataset_options(args), epochs=10**6
    )
    graph, data = load_local(config)
    trainer = Trainer(config, data, graph)
    epochs_cpu(trainer, args, 0, 0)
    return min(
        epochs_cpu(trainer, args, args.epochs * (k + 1), 0) for k in range(args.repeats)
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.worker is not None:
        worker(args)
        return
    prepare_partitions(args.out, args.nodes, args.degree)
    reports = run_two_ranks(__file__, args.out, REPORT_STEM)
    single = one_process(args)
    for rank, report in enumerate(reports):
        if not report["equal"]:
            raise RuntimeError(f"rank {rank}: the two versions gave different logits")
    print(f"GAT, mode {args.mode}; both versions gave equal logits on both ranks")
    print(f"one process: {single:.3f} CPU s per epoch")
    print("| version | rank | CPU s per epoch | against one process |")
    print("| --- | ---: | ---: | ---: |")
    for name in VERSIONS:
        for rank, report in enumerate(reports):
            seconds = report["best"][name]
            print(f"| {name} | {rank} | {seconds:.3f} | {seconds / single:.2f} |")
    old, new = (
        sum(report["best"][name] for report in reports) for name in VERSIONS
    )
    print(f"two score passes / three score passes, both ranks: {new / old:.3f}")


if __name__ == "__main__":
    main()
