"""partition_payloads writes the same bytes as a per-peer reference loop."""

from __future__ import annotations

import io

import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed import partition_payloads, relabel


def _reference_payload_edges(data, parts, num_parts, rank):
    # One pass over the edges per peer partition, which is slower but independent of
    # the code under test.
    relabeled = relabel(parts, num_parts)
    lo = int(relabeled.node_ranges[rank])
    edges, attrs = [], []
    for peer in range(num_parts):
        block = ((parts[data.edge_index[1]] == rank) & (parts[data.edge_index[0]] == peer))
        block = block.nonzero().view(-1)
        src = relabeled.new_id[data.edge_index[0, block]]
        dst = relabeled.new_id[data.edge_index[1, block]] - lo
        edges.append(torch.stack([src, dst]))
        attrs.append(data.edge_attr[block].clone())
    return edges, attrs


def _saved_bytes(value) -> bytes:
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("num_parts", [1, 3, 7])
def test_payload_bytes_match_reference(num_parts):
    generator = torch.Generator().manual_seed(num_parts)
    num_nodes = 20
    data = Data(
        x=torch.randn(num_nodes, 3, generator=generator),
        y=torch.randint(0, 2, (num_nodes,), generator=generator),
        edge_index=torch.randint(0, num_nodes, (2, 40), generator=generator),
        edge_attr=torch.randn(40, 2, generator=generator),
        num_nodes=num_nodes,
    )
    parts = torch.randint(0, num_parts, (num_nodes,), generator=generator)
    parts[:num_parts] = torch.arange(num_parts)
    for rank, payload in partition_payloads(data, parts, num_parts):
        edges, attrs = _reference_payload_edges(data, parts, num_parts, rank)
        assert _saved_bytes(payload["edges"]) == _saved_bytes(edges)
        assert _saved_bytes(payload["edge_attr"]) == _saved_bytes(attrs)


def test_payload_edges_hand_graph():
    # Nodes 0, 2 in partition 0 and 1, 3 in partition 1; new ids 0, 2, 1, 3 for
    # old ids 0, 1, 2, 3.
    data = Data(edge_index=torch.tensor([[1, 0, 3, 2], [0, 2, 2, 3]]), num_nodes=4)
    payloads = dict(partition_payloads(data, torch.tensor([0, 1, 0, 1]), 2))
    # Rank 0 owns new ids 0, 1: edge 0 -> 2 from itself, 1 -> 0 and 3 -> 2 from
    # partition 1. Rank 1 owns new ids 2, 3 (local rows 0, 1): edge 2 -> 3 only.
    assert [e.tolist() for e in payloads[0]["edges"]] == [[[0], [1]], [[2, 3], [0, 1]]]
    assert [e.tolist() for e in payloads[1]["edges"]] == [[[1], [1]], [[], []]]
    assert payloads[1]["edges"][1].stride() == (1, 1)
