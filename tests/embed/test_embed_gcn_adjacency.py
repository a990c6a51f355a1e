"""The GCN adjacency of closed-form node classification on graphs with loops."""

from __future__ import annotations

import torch

from graphkit.embed.nodeclass import gcn_adjacency


def test_existing_self_loop_counted_once():
    # Edges 0-0 (a loop) and 0-1 twice, node 2 alone. A + I keeps one loop per node,
    # so nodes 0 and 1 have degree 2 and node 2 degree 1. A loop counted twice would
    # give node 0 degree 3 and the entry 2/3 at (0, 0).
    adjacency = gcn_adjacency(torch.tensor([[0, 0, 0], [0, 1, 1]]), 3)
    expected = torch.tensor([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    torch.testing.assert_close(adjacency.to_dense(), expected)
