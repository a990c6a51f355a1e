"""GraphBatchNorm rejects features whose rows are not the graph's nodes."""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GraphBatchNorm


@pytest.mark.parametrize("training", [True, False])
def test_row_count_mismatch_named(training):
    # Training would divide the sums over 5 rows by the graph's 3 nodes.
    norm = GraphBatchNorm(2).train(training)
    graph = LocalGraph(torch.tensor([[0, 1], [1, 2]]), 3)
    with pytest.raises(
        ValueError,
        match=r"GraphBatchNorm\(2\) got x with 5 rows, but the graph has 3 nodes",
    ):
        norm(torch.randn(5, 2), graph)
    assert int(norm.num_batches_tracked) == 0


def test_edge_index_in_place_of_graph_named():
    norm = GraphBatchNorm(2)
    with pytest.raises(TypeError, match="GraphBatchNorm expects a graphkit Graph"):
        norm(torch.randn(3, 2), torch.tensor([[0, 1], [1, 2]]))


def test_statistics_of_matching_rows():
    # Column 0 has mean 2 and biased variance 2/3. Column 1 is constant.
    norm = GraphBatchNorm(2, momentum=1.0)
    graph = LocalGraph(torch.tensor([[0, 1], [1, 2]]), 3)
    x = torch.tensor([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    out = norm(x, graph)
    expected = (x[:, 0] - 2.0) / torch.sqrt(torch.tensor(2.0 / 3.0 + 1e-5))
    torch.testing.assert_close(out[:, 0], expected)
    torch.testing.assert_close(out[:, 1], torch.zeros(3))
    torch.testing.assert_close(norm.running_mean, torch.tensor([2.0, 5.0]))
    torch.testing.assert_close(norm.running_var, torch.tensor([1.0, 0.0]))
