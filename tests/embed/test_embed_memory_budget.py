"""The randomized SVD rejects sketches that cannot fit into memory before allocating."""

import pytest
import torch

from graphkit.embed import DenseMatrix, memory_budget, randomized_svd
from graphkit.embed.linkpred import LinkPredictionConfig, embed
from graphkit.embed.memory_budget import SketchMemoryError, sketch_bytes


def test_sketch_bytes_hand_count():
    # (10 rows + 4 columns) * 3 sketch columns * 4 bytes per float32 entry.
    assert sketch_bytes((10, 4), 3, torch.float32) == 168
    assert sketch_bytes((10, 4), 3, torch.float64) == 336


def test_huge_node_id_rejected_before_allocating():
    # One id of 10**13 sets the node count. Building the walk matrix would allocate
    # vectors of 10**13 entries, so the check must come first.
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 10**13]])
    config = LinkPredictionConfig(rank=4)
    with pytest.raises(SketchMemoryError, match=r"10000000000001 nodes, because the largest"):
        embed(edge_index, 10**13 + 1, config)


def test_error_is_value_error():
    # The command line reports ValueErrors in one line, without a traceback.
    assert issubclass(SketchMemoryError, ValueError)
    assert issubclass(SketchMemoryError, MemoryError)


def test_svd_checks_available_memory(monkeypatch):
    monkeypatch.setattr(memory_budget, "available_memory_bytes", lambda: 100)
    matrix = DenseMatrix(torch.randn(10, 4))
    with pytest.raises(SketchMemoryError, match=r"10 x 4 matrix with 3 sketch columns"):
        randomized_svd(matrix, 2, oversample=1)


def test_svd_runs_within_memory(monkeypatch):
    monkeypatch.setattr(memory_budget, "available_memory_bytes", lambda: 168)
    matrix = DenseMatrix(torch.diag(torch.tensor([3.0, 2.0, 1.0, 0.5])))
    _, s, _ = randomized_svd(matrix, 2, oversample=1)
    torch.testing.assert_close(s, torch.tensor([3.0, 2.0]))
