"""CPU time of the exact multi-label ROC-AUC at ogbn-proteins size, against the earlier code.

The input is synthetic: ``--nodes`` nodes (86,619, the ogbn-proteins training split)
by ``--tasks`` tasks (112), float32 logits drawn from a standard normal distribution,
and 0/1 labels with ``--unlabelled`` of the entries set to -1. One process computes
``multi_label_roc_auc`` on a ``LocalGraph``, so every task takes the exact path.

``before`` is the earlier method, kept here to compare with: one ``torch.unique`` of
the float64 scores per task, with the gather positions computed on the ``[N, T]``
label matrix. The two run alternating in one process, and the lowest CPU time
(``time.process_time``) and wall time of ``--repeats`` runs are kept. The script stops
with an error unless both return the same value.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/multilabel_auc.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

import torch

from graphkit.graph import LocalGraph
from graphkit.train.multilabel_metrics import class_counts, multi_label_roc_auc


def before_mann_whitney(negative: torch.Tensor, positive: torch.Tensor) -> float:
    """Compute the exact ROC-AUC as the earlier code did, from ``torch.unique``."""
    _, inverse, counts = torch.unique(
        torch.cat([negative, positive]), return_inverse=True, return_counts=True
    )
    mean_rank = torch.cumsum(counts, 0).double() - (counts.double() - 1) / 2
    rank_sum = mean_rank[inverse[negative.numel() :]].sum()
    p, n = positive.numel(), negative.numel()
    return float((rank_sum - p * (p + 1) / 2) / (p * n))


def before_roc_auc(logits, targets, mask, graph) -> float:
    """Compute the multi-label ROC-AUC with the earlier exact method (every task exact)."""
    scores = logits[mask].detach().to(torch.float64)
    labels = targets[mask].long()
    counts = class_counts(labels, graph)
    totals = counts.sum(0)
    tasks = (totals > 0).all(1)
    sizes = totals.sum(1) * tasks
    block_start = torch.cumsum(sizes, 0) - sizes
    rank_offset = (torch.cumsum(counts, 0) - counts)[graph.rank]
    class_start = torch.stack([torch.zeros_like(totals[:, 0]), totals[:, 0]], 1)
    first = (block_start.unsqueeze(1) + class_start + rank_offset).long()
    negative, positive = labels == 0, labels == 1
    index = torch.where(positive, positive.cumsum(0), negative.cumsum(0)) - 1
    position = torch.where(positive, first[:, 1], first[:, 0]) + index
    length = int(sizes.sum())
    position = torch.where((negative | positive) & tasks, position, length)
    gathered = torch.zeros(length + 1, dtype=torch.float64)
    gathered[position.view(-1)] = scores.reshape(-1)
    gathered = graph.reduce_sum(gathered[:length], label="metric")
    aucs = []
    for task in tasks.nonzero().view(-1).tolist():
        start, negatives = int(block_start[task]), int(totals[task, 0])
        block = gathered[start : start + int(sizes[task])]
        aucs.append(before_mann_whitney(block[:negatives], block[negatives:]))
    return float(torch.tensor(aucs, dtype=torch.float64).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=86_619,
                        help="nodes (rows) of the synthetic split (default: 86,619)")
    parser.add_argument("--tasks", type=int, default=112,
                        help="binary tasks (columns) of the synthetic split (default: 112)")
    parser.add_argument("--unlabelled", type=float, default=0.1,
                        help="fraction of entries set to -1 (default: 0.1)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each method, of which the lowest time is kept")
    args = parser.parse_args()

    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(args.nodes, args.tasks, generator=generator)
    targets = torch.randint(0, 2, logits.shape, generator=generator, dtype=torch.int8)
    targets[torch.rand(logits.shape, generator=generator) < args.unlabelled] = -1
    mask = torch.ones(args.nodes, dtype=torch.bool)
    graph = LocalGraph(torch.empty(2, 0, dtype=torch.long), args.nodes)

    methods = {"before": before_roc_auc, "now": multi_label_roc_auc}
    cpu = {name: [] for name in methods}
    wall = {name: [] for name in methods}
    values = {}
    for _ in range(args.repeats):
        for name, method in methods.items():
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            values[name] = method(logits, targets, mask, graph)
            cpu[name].append(time.process_time() - start_cpu)
            wall[name].append(time.perf_counter() - start_wall)
    if values["before"] != values["now"]:
        raise SystemExit(f"the methods disagree: {values}")
    print(f"{args.nodes} nodes x {args.tasks} tasks, ROC-AUC {values['now']!r}, "
          f"threads {torch.get_num_threads()}")
    for name in methods:
        print(f"{name:>6}: min CPU {min(cpu[name]):.3f} s, min wall {min(wall[name]):.3f} s")
    print(f"before / now: CPU {min(cpu['before']) / min(cpu['now']):.2f}, "
          f"wall {min(wall['before']) / min(wall['now']):.2f}")


if __name__ == "__main__":
    main()
