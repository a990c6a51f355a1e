"""Every --seed gives its own METIS partition."""

import numpy as np
import pymetis
import torch
from graphkit.distributed import partition_nodes
from graphkit.distributed.partition import _symmetric_csr


def random_graph(num_nodes: int = 600, num_edges: int = 2400):
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, num_nodes, (2, num_edges), generator=g), num_nodes


def test_seeds_zero_and_one_differ():
    # METIS hands its seed to srand, and glibc's srand reads 0 as 1.
    edge_index, n = random_graph()
    zero = partition_nodes(edge_index, n, 4, "metis", seed=0)
    one = partition_nodes(edge_index, n, 4, "metis", seed=1)
    assert not torch.equal(zero, one)


def test_seeds_two_to_the_32_apart_differ():
    edge_index, n = random_graph()
    low = partition_nodes(edge_index, n, 4, "metis", seed=1)
    high = partition_nodes(edge_index, n, 4, "metis", seed=1 + 2**32)
    assert not torch.equal(low, high)


def test_default_seed_keeps_its_partition():
    # Seed 0 gives the partition METIS gives for its own seed 0.
    edge_index, n = random_graph()
    xadj, adjncy = _symmetric_csr(edge_index, n)
    _, expected = pymetis.part_graph(
        4, pymetis.CSRAdjacency(xadj, adjncy), options=pymetis.Options(seed=0)
    )
    parts = partition_nodes(edge_index, n, 4, "metis", seed=0)
    assert parts.tolist() == np.asarray(expected).tolist()


def test_huge_and_negative_seeds_accepted():
    edge_index, n = random_graph()
    for seed in (-5, 2**64):
        parts = partition_nodes(edge_index, n, 4, "metis", seed=seed)
        assert torch.bincount(parts, minlength=4).min() > 0
