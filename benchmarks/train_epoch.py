"""CPU time of one full-batch training epoch on a real graph: graphkit against PyG.

An epoch is what ``graphkit train`` runs per epoch: one training step (forward, cross
entropy on the training nodes, backward, Adam step) and one evaluation forward pass. The
graphkit side is ``graphkit.train.Trainer`` with the command's defaults (2 layers,
hidden 64, dropout 0.5, GAT with 4 heads). The PyG side is the same stack of PyG
layers (``GCNConv``, ``SAGEConv``, or ``GATConv`` with 4 heads of 16 and one output
head) on the same tensors, with ReLU and dropout 0.5 between the layers, run on
``edge_index``. The layers do not match in every detail (PyG's GAT and GCN add
self-loops), so the ratio compares the cost of comparable models, not equal outputs.

For GAT the script also times graphkit's earlier attention (``before``), which gathered
the per-edge scores and attention values with advanced indexing instead of
``index_select``. The variants
run alternating in one process, and the lowest CPU time (``time.process_time``) per
epoch of ``--repeats`` rounds of ``--epochs`` epochs is kept.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/train_epoch.py --root DATA/graphs \\
        [--dataset tolokers] [--models sage gcn gat] [--epochs 3] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import torch
import torch.nn.functional as F
from pyg_stack import pyg_stack


def pyg_epoch(net, optimizer, data, labels, train_mask):
    """Run one PyG training step and one evaluation forward pass."""
    net.train()
    optimizer.zero_grad(set_to_none=True)
    logits = net(data.x, data.edge_index)
    F.cross_entropy(logits[train_mask], labels[train_mask]).backward()
    optimizer.step()
    net.eval()
    with torch.no_grad():
        net(data.x, data.edge_index)


def run_graphkit_epoch(trainer) -> None:
    trainer.train_step()
    trainer.evaluate()


def run_with_rows(epoch, attention, rows) -> None:
    """Run ``epoch`` with ``attention._rows`` replaced by ``rows``, then restore it."""
    current_rows = attention._rows
    attention._rows = rows
    try:
        epoch()
    finally:
        attention._rows = current_rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the graph datasets")
    parser.add_argument("--dataset", default="tolokers")
    parser.add_argument("--models", nargs="+", default=["sage", "gcn", "gat"])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timed round")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    from graphkit.launch.cmd_train import load_local
    from graphkit.ops import attention
    from graphkit.train.config import TrainConfig
    from graphkit.train.trainer import Trainer

    torch.set_num_threads(args.threads)

    def indexing_rows(table, index):
        return table[index]

    print("model  graphkit CPU s/epoch  PyG CPU s/epoch  graphkit/PyG  before CPU s/epoch")
    for model in args.models:
        config = TrainConfig(
            dataset=args.dataset, root=args.root, model=model, epochs=1, patience=0
        )
        graph, data = load_local(config)
        trainer = Trainer(config, data, graph)
        labels, train_mask = trainer.labels, data.train_mask
        torch.manual_seed(0)
        net = pyg_stack(model, data.num_features, 64, trainer.num_classes, dropout=0.5)
        optimizer = torch.optim.Adam(net.parameters(), lr=0.01, weight_decay=5e-4)

        graphkit_epoch = partial(run_graphkit_epoch, trainer)
        variants = {
            "graphkit": graphkit_epoch,
            "pyg": partial(pyg_epoch, net, optimizer, data, labels, train_mask),
        }
        if model == "gat":
            variants["before"] = partial(
                run_with_rows, graphkit_epoch, attention, indexing_rows
            )
        for function in variants.values():
            function()  # builds caches (CSR blocks, transposes, self-loops)
        best = {name: float("inf") for name in variants}
        for _ in range(args.repeats):
            for name, function in variants.items():
                start = time.process_time()
                for _ in range(args.epochs):
                    function()
                best[name] = min(best[name], (time.process_time() - start) / args.epochs)
        before = f"{best['before']:.3f}" if "before" in best else "-"
        print(
            f"{model:<6} {best['graphkit']:>20.3f} {best['pyg']:>16.3f} "
            f"{best['graphkit'] / best['pyg']:>13.2f} {before:>18}",
            flush=True,
        )


if __name__ == "__main__":
    main()
