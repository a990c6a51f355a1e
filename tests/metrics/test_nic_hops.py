"""NIC's hop count: checked on the command line, and loops that stop at convergence."""

from __future__ import annotations

import pytest
import torch
from graphkit.launch.cli import main

from graphkit.metrics import build_labelled_graph, neighbour_label_counts


def _path_graph():
    # 0 - 1 - 2 - 3, classes 0, 1, 0, 1: the diameter is 3.
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 3]])
    return build_labelled_graph(edge_index, torch.tensor([0, 1, 0, 1]))


def test_large_hops_equal_diameter_hops():
    graph = _path_graph()
    expected = torch.tensor([[1, 2], [2, 1], [1, 2], [2, 1]])
    assert torch.equal(neighbour_label_counts(graph, 3), expected)
    assert torch.equal(neighbour_label_counts(graph, 100_000), expected)


def test_large_hops_stop_after_convergence(monkeypatch):
    calls = []
    product = torch.sparse.mm

    def counting_product(*args):
        calls.append(1)
        return product(*args)

    monkeypatch.setattr(torch.sparse, "mm", counting_product)
    neighbour_label_counts(_path_graph(), 100_000)
    # Hops 2 and 3 add pairs, and hop 4 finds none and ends the loop.
    assert len(calls) == 3


@pytest.mark.parametrize("hops", ["0", "-2", "two"])
def test_analyze_rejects_bad_hops(tmp_path, capsys, hops):
    # The argument parser rejects the value before any graph is loaded.
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("0 1\n")
    labels.write_text("0 0\n1 1\n")
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels)]
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--nic-hops", hops])
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert f"argument --nic-hops: expected a positive integer, got '{hops}'" in error
