"""CPU time of ``graphkit isvd linkpred``, with and without the imports of the earlier code.

The command used to load the split into a ``torch_geometric.data.Data`` and to compute
the ROC-AUC with scikit-learn's ``roc_auc_score``. It now reads a ``GraphTensors`` and
computes the ROC-AUC from the ranks of one sort. The script runs the same command in
fresh processes, alternating:

* ``earlier imports``: ``import torch_geometric, sklearn.metrics`` first, then the
  command (the cost of the earlier code);
* ``now``: the command alone.

Each process's CPU time (user plus system) covers the imports, loading the split, the
SVD and the scoring; the lowest of ``--repeats`` runs is kept. Then, in this process, the
script scores the test pairs once and prints the ROC-AUC of both methods.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/isvd_cli_startup.py --root DATA/graphs \\
        [--dataset ppi ca-HepTh] [--repeats 5]
"""

from __future__ import annotations

import argparse

from kg_cli_startup import RUN_COMMAND, lowest_child_cpu_seconds


def compare_auc(root: str, name: str) -> tuple[float, float]:
    """Return the test ROC-AUC of ``name`` from graphkit's ranks and from scikit-learn."""
    import torch
    from graphkit.datasets import load_asymproj
    from sklearn.metrics import roc_auc_score

    from graphkit.embed.linkpred import (
        LinkPredictionConfig,
        embed,
        roc_auc,
        score_pairs,
    )

    data = load_asymproj(name, root, pyg_data=False)
    config = LinkPredictionConfig()
    u, s, v = embed(data.train_pos_edge_index, data.num_nodes, config, config.rank)
    positive = score_pairs(u, s, v, data.test_pos_edge_index).double()
    negative = score_pairs(u, s, v, data.test_neg_edge_index).double()
    labels = torch.cat([torch.ones_like(positive), torch.zeros_like(negative)])
    scores = torch.cat([positive, negative])
    return roc_auc(positive, negative), float(roc_auc_score(labels, scores))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder holding asymproj/")
    parser.add_argument("--dataset", nargs="+", default=["ppi", "ca-HepTh"])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    for name in args.dataset:
        command = [
            "isvd", "linkpred", "--dataset", name, "--root", args.root,
            "--threads", "1",
        ]
        earlier = RUN_COMMAND.format(prelude="import torch_geometric, sklearn.metrics")
        variants = {
            "earlier imports": ["-c", earlier, *command],
            "now": ["-c", RUN_COMMAND.format(prelude=""), *command],
        }
        best = lowest_child_cpu_seconds(variants, args.repeats)
        for variant, seconds in best.items():
            print(f"{name:<12} {variant:<16} {seconds:6.2f} CPU s")
        ratio = best["now"] / best["earlier imports"]
        print(f"{name:<12} now / earlier imports: {ratio:.2f}")
        ours, sklearn = compare_auc(args.root, name)
        print(
            f"{name:<12} ROC-AUC from ranks {ours!r}, scikit-learn {sklearn!r}, "
            f"difference {ours - sklearn:.1e}"
        )


if __name__ == "__main__":
    main()
