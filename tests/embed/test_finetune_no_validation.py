"""Fine-tuning the SVD-initialised network on a split without validation nodes."""

from __future__ import annotations

import argparse
import logging

import torch
from torch_geometric.data import Data

from graphkit.embed.deep import FinetuneConfig, SVDInitializedGCN, finetune
from graphkit.embed.nodeclass import NodeClassConfig, fit_linear_gcn

CONFIG = NodeClassConfig(hops=2, wys_rank=4, pca_dim=0, svd_rank=10, oversample=2)


def graph_without_validation() -> Data:
    generator = torch.Generator().manual_seed(0)
    n = 60
    train = torch.arange(n) < 40
    return Data(
        x=torch.randn(n, 5, generator=generator),
        edge_index=torch.randint(0, n, (2, 200), generator=generator),
        y=torch.randint(0, 3, (n,), generator=generator),
        train_mask=train,
        val_mask=torch.zeros(n, dtype=torch.bool),
        test_mask=~train,
    )


def test_last_epoch_weights_kept(caplog):
    data = graph_without_validation()
    solution = fit_linear_gcn(data, CONFIG)
    model = SVDInitializedGCN.from_linear_solution(solution, CONFIG.hops, dropout=0.0)
    initial = model(solution.features, solution.adjacency.matrix).detach()
    with caplog.at_level(logging.WARNING):
        finetune(
            model,
            solution.features,
            solution.adjacency.matrix,
            data,
            FinetuneConfig(epochs=3, lr=1e-2),
        )
    assert "val_mask selects no node" in caplog.text
    # Restoring epoch 0, which a NaN validation accuracy never beats, would give back
    # the SVD weights.
    model.eval()
    final = model(solution.features, solution.adjacency.matrix).detach()
    assert not torch.allclose(final, initial)


def test_zero_epochs_keep_svd_weights(caplog):
    data = graph_without_validation()
    solution = fit_linear_gcn(data, CONFIG)
    model = SVDInitializedGCN.from_linear_solution(solution, CONFIG.hops, dropout=0.0)
    with caplog.at_level(logging.WARNING):
        history = finetune(
            model,
            solution.features,
            solution.adjacency.matrix,
            data,
            FinetuneConfig(epochs=0),
        )
    assert len(history) == 1
    assert "val_mask" not in caplog.text
    model.eval()
    out = model(solution.features, solution.adjacency.matrix).detach()
    torch.testing.assert_close(out, solution.logits(), atol=1e-5, rtol=1e-5)


def test_command_reports_last_epoch(monkeypatch, capsys):
    import graphkit.datasets
    from graphkit.launch import cmd_isvd

    monkeypatch.setattr(
        graphkit.datasets,
        "load_dataset",
        lambda *args, **kwargs: graph_without_validation(),
    )
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["isvd", "nodeclass", "--dataset", "tiny", "--hops", "2", "--wys-rank", "4"]
        + ["--pca-dim", "0", "--svd-rank", "10", "--finetune-epochs", "2"]
    )
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "at the last epoch (no validation nodes)" in out
    assert "best validation epoch" not in out
