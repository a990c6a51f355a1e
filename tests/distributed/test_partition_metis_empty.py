"""METIS partitions that would be empty are filled, so node counts stay balanced."""

import numpy as np
import torch
from graphkit.distributed import partition_nodes
from graphkit.distributed.balance import fill_empty_partitions
from graphkit.distributed.partition import _symmetric_csr


def dense_random_graph(num_nodes: int, num_edges: int):
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, num_nodes, (2, num_edges), generator=g)


def grid(rows: int, cols: int):
    ids = torch.arange(rows * cols).view(rows, cols)
    right = torch.stack([ids[:, :-1].flatten(), ids[:, 1:].flatten()])
    down = torch.stack([ids[:-1].flatten(), ids[1:].flatten()])
    edges = torch.cat([right, down], 1)
    return torch.cat([edges, edges.flip(0)], 1)


def test_dense_graph_spread_over_all_parts():
    # METIS alone puts all 64 nodes of this graph into one of the 32 partitions.
    parts = partition_nodes(dense_random_graph(64, 1280), 64, 32, "metis")
    assert torch.bincount(parts, minlength=32).tolist() == [2] * 32


def test_grid_with_nearly_one_part_per_node():
    # METIS alone leaves 56 of these 90 partitions empty.
    parts = partition_nodes(grid(10, 10), 100, 90, "metis")
    sizes = torch.bincount(parts, minlength=90)
    assert int(sizes.min()) == 1
    assert int(sizes.max()) == 2


def test_one_part_per_node():
    parts = partition_nodes(grid(5, 5), 25, 25, "metis")
    assert sorted(parts.tolist()) == list(range(25))


def test_training_nodes_balanced_after_filling():
    train = torch.zeros(64, dtype=torch.bool)
    train[:32] = True
    parts = partition_nodes(dense_random_graph(64, 1280), 64, 16, "metis", train)
    assert torch.bincount(parts, minlength=16).tolist() == [4] * 16
    assert torch.bincount(parts[train], minlength=16).tolist() == [2] * 16


def test_fill_follows_gain_on_path():
    # Path 0-1-2-3-4-5, all in partition 0, into 3 partitions of 2 nodes. Partition 1
    # takes end node 0 (one neighbour left behind), then its neighbour 1. Partition 2
    # takes node 2, now at the edge of what is left, then node 3.
    path = torch.stack([torch.arange(5), torch.arange(1, 6)])
    indptr, indices = _symmetric_csr(path, 6)
    parts = fill_empty_partitions(indptr, indices, np.zeros(6, dtype=np.int64), 3)
    assert parts.tolist() == [1, 1, 2, 2, 0, 0]


def test_balanced_parts_unchanged():
    path = torch.stack([torch.arange(5), torch.arange(1, 6)])
    indptr, indices = _symmetric_csr(path, 6)
    before = np.array([0, 0, 1, 1, 2, 2])
    assert fill_empty_partitions(indptr, indices, before, 3).tolist() == before.tolist()


def test_fill_keeps_donors_at_target():
    # A path of 24 nodes has 11 in partition 0, 13 in partition 1 and none in
    # partition 2, so each partition needs 8. A move takes at most target // 4 = 2
    # nodes from the largest partition. The last moves come from partitions of 9
    # nodes, which can each give only 1 without dropping below 8.
    path = torch.stack([torch.arange(23), torch.arange(1, 24)])
    indptr, indices = _symmetric_csr(path, 24)
    before = np.array([0] * 11 + [1] * 13)
    parts = fill_empty_partitions(indptr, indices, before, 3)
    assert np.bincount(parts, minlength=3).tolist() == [8, 8, 8]


def test_fill_leaves_small_partition_small():
    # Nine isolated nodes: 8 in partition 0, 1 in partition 1, none in partition 2.
    # Partition 2 grows to N // P = 3 from partition 0, and partition 1, which is not
    # empty, keeps its single node.
    indptr, indices = np.zeros(10, dtype=np.int64), np.zeros(0, dtype=np.int64)
    before = np.array([0] * 8 + [1])
    parts = fill_empty_partitions(indptr, indices, before, 3)
    assert np.bincount(parts, minlength=3).tolist() == [5, 1, 3]
    assert parts[8] == 1
