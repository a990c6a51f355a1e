"""The partition functions reject counts, ranks and vectors that do not fit the graph."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed import partition_nodes, partition_payloads, partition_summary

# A directed cycle 0 -> 1 -> 2 -> 3 -> 0, split into nodes {0, 1} and {2, 3}.
EDGES = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
PARTS = torch.tensor([0, 0, 1, 1])


def test_summary_of_cycle():
    # Edges 1 -> 2 and 3 -> 0 cross, and each part has one remote source.
    summary = partition_summary(EDGES, PARTS, 2)
    assert summary == {"edge_cut": 2, "halo_sizes": [1, 1], "part_sizes": [2, 2]}


def test_summary_partition_id_out_of_range():
    # Unchecked, the summary would list six halo sizes for two partitions.
    with pytest.raises(
        ValueError, match=r"partition ids in parts must lie in \[0, 2\), found 5"
    ):
        partition_summary(EDGES, torch.tensor([0, 0, 1, 5]), 2)


def test_summary_more_ids_than_num_parts():
    with pytest.raises(
        ValueError, match=r"partition ids in parts must lie in \[0, 1\), found 1"
    ):
        partition_summary(EDGES, PARTS, 1)


def test_summary_short_vector():
    with pytest.raises(ValueError) as error:
        partition_summary(EDGES, PARTS[:3], 2)
    assert str(error.value) == (
        "edge_index contains node id 3, but parts has 3 entries, so node ids must lie "
        "in [0, 3). Pass one partition id per node of the graph"
    )


def test_summary_float_vector():
    with pytest.raises(TypeError, match="parts must have an integer dtype"):
        partition_summary(EDGES, PARTS.float(), 2)


@pytest.mark.parametrize("num_parts", [2.0, True])
def test_nodes_count_not_int(num_parts):
    with pytest.raises(TypeError, match=r"num_parts must be an int, got (2\.0|True)"):
        partition_nodes(EDGES, 4, num_parts, "random")


def test_nodes_count_numpy_int():
    parts = partition_nodes(EDGES, np.int64(4), np.int64(2), "random")
    assert sorted(parts.tolist()) == [0, 0, 1, 1]


def test_nodes_train_mask_of_ids():
    with pytest.raises(ValueError) as error:
        partition_nodes(EDGES, 4, 2, "metis", train_mask=torch.tensor([0, 1]))
    assert str(error.value).startswith(
        "train_mask must be a mask of shape [4] (or [4, splits]) for the 4 nodes, got "
        "shape [2]"
    )


@pytest.mark.parametrize("rank", [-1, 2])
def test_payload_rank_out_of_range(rank):
    # Unchecked, rank -1 would read node_ranges from the end and get no nodes.
    data = Data(x=torch.randn(4, 2), edge_index=EDGES, num_nodes=4)
    with pytest.raises(
        ValueError, match=rf"ranks must contain partition ids in \[0, 2\), got {rank}"
    ):
        next(partition_payloads(data, PARTS, 2, ranks=[rank]))


def test_payload_tensor_num_nodes():
    data = Data(x=torch.randn(4, 2), edge_index=EDGES, num_nodes=torch.tensor(4))
    ranks = [rank for rank, _ in partition_payloads(data, PARTS, 2)]
    assert ranks == [0, 1]


def test_payload_ranks_from_generator():
    # The rank check must not use up a generator before the payloads are built.
    data = Data(x=torch.randn(4, 2), edge_index=EDGES, num_nodes=4)
    payloads = partition_payloads(data, PARTS, 2, ranks=(rank for rank in [1, 0]))
    assert [rank for rank, _ in payloads] == [1, 0]


def test_payload_ranks_from_tensor():
    data = Data(x=torch.randn(4, 2), edge_index=EDGES, num_nodes=4)
    payloads = list(partition_payloads(data, PARTS, 2, ranks=torch.arange(2)))
    assert [rank for rank, _ in payloads] == [0, 1]
    assert [type(payload["rank"]) for _, payload in payloads] == [int, int]
