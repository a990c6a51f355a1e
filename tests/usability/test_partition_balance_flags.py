"""``graphkit partition --balance-train`` rejects options that it cannot honour."""

import pytest
from graphkit.launch.cli import main

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 4}"]


def test_balance_train_rejects_random_method(tmp_path):
    out = tmp_path / "parts"
    argv = ["partition", *SMALL_GRAPH, "--parts", "2", "--out", str(out)]
    with pytest.raises(ValueError, match="--method is 'random'. Pass --method metis"):
        main([*argv, "--method", "random", "--balance-train"])
    assert not out.exists()


def test_balance_train_rejects_unlabelled_graph(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n2 3\n3 0\n")
    out = tmp_path / "parts"
    argv = ["partition", "--dataset", str(edges), "--parts", "2", "--out", str(out)]
    with pytest.raises(ValueError, match="has no train_mask"):
        main([*argv, "--balance-train"])
    assert not out.exists()


def _graph_with_splits(*args, **kwargs):
    """A 40-node ring whose 4 splits together train every node."""
    import torch
    from torch_geometric.data import Data

    n = 40
    ring = torch.stack([torch.arange(n), (torch.arange(n) + 1) % n])
    train = torch.arange(n)[:, None] % 4 == torch.arange(4)
    return Data(edge_index=torch.cat([ring, ring.flip(0)], 1), num_nodes=n,
                y=torch.zeros(n, dtype=torch.long), train_mask=train,
                val_mask=~train, test_mask=~train)


def test_balance_train_warns_about_several_splits(tmp_path, monkeypatch, capsys):
    import graphkit.datasets

    monkeypatch.setattr(graphkit.datasets, "load_dataset", _graph_with_splits)
    argv = ["partition", "--parts", "2", "--balance-train"]
    assert main([*argv, "--out", str(tmp_path / "all")]) == 0
    err = capsys.readouterr().err
    assert "spreads the training nodes of all 4 splits of synthetic" in err
    assert "(100% of the nodes)" in err
    assert "Pass --split K" in err


def test_balance_train_one_split_quiet(tmp_path, capsys):
    argv = ["partition", *SMALL_GRAPH, "--parts", "2", "--balance-train"]
    assert main([*argv, "--out", str(tmp_path / "one")]) == 0
    assert "splits of" not in capsys.readouterr().err
