"""The ``graphkit isvd`` command line."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest
import torch
from graphkit.launch import cmd_isvd, option_types


def main(argv: list[str]) -> int:
    """Run ``graphkit`` with only the isvd command registered.

    The other commands' imports would take most of these tests' time.
    """
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def write_two_communities(folder) -> None:
    """Two 8-cliques; every fourth in-community edge is held out, cross pairs are negatives."""
    edges = [(i + o, j + o) for o in (0, 8) for i in range(8) for j in range(i + 1, 8)]
    test = edges[::4]
    train = [edge for edge in edges if edge not in test]
    negatives = [(i, j) for i in range(8) for j in range(8, 16)][: len(test)]
    folder.mkdir(parents=True)
    for name, pairs in [("train", train), ("test", test), ("test.neg", negatives)]:
        np.save(folder / f"{name}.txt.npy", np.asarray(pairs, dtype=np.int32))


def test_linkpred_prints_auc_and_times(tmp_path, capsys):
    write_two_communities(tmp_path / "asymproj" / "ppi")
    code = main(
        ["isvd", "linkpred", "--dataset", "ppi", "--root", str(tmp_path), "--rank", "4"]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "dataset ppi: rank 4, test ROC-AUC 1.0000" in out
    assert re.search(r"time: products [0-9.]+s, svd [0-9.]+s, scoring [0-9.]+s", out)


def test_linkpred_unknown_dataset_fails(tmp_path):
    with pytest.raises(ValueError, match="unknown AsymProj dataset 'cora'"):
        main(["isvd", "linkpred", "--dataset", "cora", "--root", str(tmp_path)])


@pytest.mark.realdata
def test_nodeclass_prints_accuracy_and_times(data_copy, capsys):
    root = data_copy("graphs/planetoid")
    argv = [
        "isvd",
        "nodeclass",
        "--dataset",
        "cora",
        "--root",
        str(root),
        "--hops",
        "4",
        "--wys-rank",
        "8",
        "--pca-dim",
        "64",
        "--finetune-epochs",
        "1",
        "--heads-only",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    accuracy = float(re.search(r"closed-form test accuracy ([0-9.]+)", out).group(1))
    assert accuracy > 0.6
    assert "fine-tuned 1 epochs" in out
    assert re.search(r"time: features [0-9.]+s, .*products [0-9.]+s, svd [0-9.]+s", out)
    assert "fine tuning" in out


@pytest.mark.parametrize("text", [str(-(2**63)), "0", str(2**64 - 1)])
def test_seed_range_ends_accepted(text):
    assert option_types.seed_option(text) == int(text)


@pytest.mark.parametrize("text", [str(-(2**63) - 1), str(2**64), "1.5"])
def test_seed_outside_range_rejected(text):
    with pytest.raises(argparse.ArgumentTypeError):
        option_types.seed_option(text)


def test_positive_int_rejects_zero():
    assert option_types.positive_int("1") == 1
    with pytest.raises(argparse.ArgumentTypeError) as info:
        option_types.positive_int("0")
    assert str(info.value) == "expected a positive integer, got '0'"


def _nodeclass_on(monkeypatch, data, *extra: str) -> int:
    """Run isvd nodeclass with ``load_dataset`` returning ``data``."""
    import graphkit.datasets

    monkeypatch.setattr(graphkit.datasets, "load_dataset", lambda *a, **k: data)
    return main(["isvd", "nodeclass", "--dataset", "toy", *extra])


def _toy_data(x, train_mask):
    from torch_geometric.data import Data

    return Data(
        x=x,
        y=torch.tensor([0, 0, 1, 1]),
        edge_index=torch.tensor([[0, 1, 2, 3], [1, 0, 3, 2]]),
        train_mask=train_mask,
        num_nodes=4,
    )


def test_nodeclass_without_features_rejected(monkeypatch):
    data = _toy_data(None, torch.ones(4, dtype=torch.bool))
    with pytest.raises(SystemExit) as stop:
        _nodeclass_on(monkeypatch, data)
    assert str(stop.value.code).startswith("dataset 'toy' has no node features")


def test_nodeclass_several_splits_rejected(monkeypatch):
    data = _toy_data(torch.eye(4), torch.ones(4, 3, dtype=torch.bool))
    with pytest.raises(SystemExit) as stop:
        _nodeclass_on(monkeypatch, data)
    assert stop.value.code == (
        "dataset 'toy' has 3 train/val/test splits; choose one with --split INDEX"
    )


def _finetuned_lines(monkeypatch, capsys, val_mask) -> list[str]:
    """Run nodeclass with a stubbed fine-tuning history and return its report lines."""
    import graphkit.embed.deep

    history = [
        {"epoch": 1, "val": 0.50, "test": 0.40},
        {"epoch": 2, "val": 0.75, "test": 0.60},
        {"epoch": 3, "val": 0.25, "test": 0.30},
    ]
    monkeypatch.setattr(graphkit.embed.deep, "finetune", lambda *a, **k: history)
    from torch_geometric.data import Data

    # The graph is a 40-node ring because the closed-form fit needs more training
    # rows than its oversampling of 20.
    nodes = torch.arange(40)
    data = Data(
        x=torch.eye(40),
        y=nodes % 2,
        edge_index=torch.stack([nodes, (nodes + 1) % 40]),
        train_mask=nodes < 30,
        val_mask=val_mask,
        test_mask=nodes >= 35,
        num_nodes=40,
    )
    argv = ["--hops", "1", "--finetune-epochs", "3", "--heads-only"]
    assert _nodeclass_on(monkeypatch, data, *argv) == 0
    return [
        line for line in capsys.readouterr().out.splitlines() if "fine-tuned" in line
    ]


def test_nodeclass_reports_best_validation_epoch(monkeypatch, capsys):
    val_mask = (torch.arange(40) >= 30) & (torch.arange(40) < 35)
    assert _finetuned_lines(monkeypatch, capsys, val_mask) == [
        (
            "fine-tuned 3 epochs: test accuracy 0.6000 at the best validation epoch 2 "
            "(validation 0.7500); last epoch test 0.3000"
        )
    ]


def test_nodeclass_without_validation_reports_last_epoch(monkeypatch, capsys):
    val_mask = torch.zeros(40, dtype=torch.bool)
    assert _finetuned_lines(monkeypatch, capsys, val_mask) == [
        (
            "fine-tuned 3 epochs: test accuracy 0.3000 at the last epoch (no "
            "validation nodes)"
        )
    ]
