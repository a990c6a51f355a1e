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
