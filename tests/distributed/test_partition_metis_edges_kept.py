"""METIS partitions place every input edge once, whatever the graph's quirks."""

import torch
from torch_geometric.data import Data
from graphkit.distributed.partition import partition_nodes, partition_payloads


def test_every_edge_lands_in_one_partition():
    """Scenarios of https://github.com/dmlc/dgl/issues/3443 and
    https://github.com/dmlc/dgl/pull/3366 (self-loops and repeated edges lost or placed
    twice around ParMETIS), and of
    https://github.com/pyg-team/pytorch_geometric/issues/3222 (METIS on directed
    graphs with isolated nodes)."""
    # Repeated edges 0->1, 1->2 and 3->4, the reverse edge 2->1, self-loops at 0 and 2,
    # a one-way cycle 3->4->5->3, a lone edge 6->7 and the isolated nodes 8 and 9.
    edge_index = torch.tensor(
        [[0, 0, 0, 1, 1, 2, 3, 3, 4, 5, 6, 2], [1, 1, 0, 2, 2, 2, 4, 4, 5, 3, 7, 1]]
    )
    num_nodes = 10
    data = Data(x=torch.zeros(num_nodes, 1), edge_index=edge_index, num_nodes=num_nodes)
    parts = partition_nodes(edge_index, num_nodes, 2, "metis")
    assert sorted(parts.tolist()) == [0] * 5 + [1] * 5

    payloads = dict(partition_payloads(data, parts, 2))
    # The new global numbering lists partition 0's nodes, then partition 1's.
    original_ids = torch.cat([payloads[rank]["global_ids"] for rank in (0, 1)])
    placed = []
    for payload in payloads.values():
        for block in payload["edges"]:
            sources = original_ids[block[0]]
            targets = payload["global_ids"][block[1]]
            placed += list(zip(sources.tolist(), targets.tolist()))
    assert sorted(placed) == sorted(map(tuple, edge_index.t().tolist()))
