"""NIC without the dense [N, C] histogram table, on graphs with many classes."""

from __future__ import annotations

import pytest
import torch

import graphkit.metrics.graph as graph_module
import graphkit.metrics.neighbourhood_information as nic_module
from graphkit.metrics import (
    build_labelled_graph,
    nic_by_neighbourhood_size,
    nic_estimate,
)
from graphkit.metrics.nic_symbols import sparse_symbols


def _many_classes_graph():
    # 21,000 nodes in 200 classes: N * C = 4.2M entries, above the dense limit of
    # 2^22 and far above the 60,000 stored edges.
    generator = torch.Generator().manual_seed(0)
    y = torch.randint(0, 200, (21000,), generator=generator)
    source = torch.randint(0, 21000, (30000,), generator=generator)
    target = torch.randint(0, 21000, (30000,), generator=generator)
    return torch.stack([source, target]), y


@pytest.mark.parametrize("bins", [None, 3])
@pytest.mark.parametrize("hops", [1, 2])
@pytest.mark.parametrize("directed", [False, True])
def test_sparse_equals_dense(monkeypatch, bins, hops, directed):
    edge_index, y = _many_classes_graph()
    options = graph_module.MeasureOptions(directed=directed, self_loops=directed)
    sparse_graph = build_labelled_graph(edge_index, y, options=options)
    assert not sparse_graph.uses_dense_counts
    sparse = nic_estimate(sparse_graph, bins=bins, hops=hops)
    sparse_groups = nic_by_neighbourhood_size(sparse_graph, bins=bins, hops=hops)

    monkeypatch.setattr(graph_module, "DENSE_COUNTS_MIN_ENTRIES", 1 << 30)
    dense_graph = build_labelled_graph(edge_index, y, options=options)
    assert dense_graph.uses_dense_counts
    dense = nic_estimate(dense_graph, bins=bins, hops=hops)
    dense_groups = nic_by_neighbourhood_size(dense_graph, bins=bins, hops=hops)

    assert sparse.num_symbols == dense.num_symbols
    assert sparse.num_nodes == dense.num_nodes
    assert sparse.value == pytest.approx(dense.value, abs=1e-12, nan_ok=True)
    assert sparse.baseline == pytest.approx(dense.baseline, abs=1e-12)
    assert len(sparse_groups) == len(dense_groups)
    for (low, high, estimate), (dense_low, dense_high, expected) in zip(
        sparse_groups, dense_groups
    ):
        assert (low, high) == (dense_low, dense_high)
        assert estimate.num_symbols == expected.num_symbols
        assert estimate.value == pytest.approx(expected.value, abs=1e-12, nan_ok=True)


def test_dense_table_not_built(monkeypatch):
    # The [N, C] table of ogbn-papers100M (111M nodes, 172 classes) does not fit in
    # memory, while the other measures avoid it.
    def fail(*args, **kwargs):
        raise AssertionError("the dense [N, C] table was built")

    monkeypatch.setattr(nic_module, "neighbour_label_counts", fail)
    edge_index, y = _many_classes_graph()
    graph = build_labelled_graph(edge_index, y)
    assert nic_estimate(graph).num_nodes > 0
    assert nic_by_neighbourhood_size(graph, min_nodes=1)


def test_sparse_symbols_hand_graph():
    # Undirected edges 1-0, 1-3, 2-0, 1-5, 2-3 and 5-4 with labels 0, 1, 2, 0, 0, 1.
    edge_index = torch.tensor([[1, 1, 2, 1, 2, 5], [0, 3, 0, 5, 3, 4]])
    y = torch.tensor([0, 1, 2, 0, 0, 1])
    graph = build_labelled_graph(edge_index, y)
    keep = graph.src != graph.dst
    kept, symbols, sizes = sparse_symbols(graph, graph.src[keep], graph.dst[keep], None)
    assert kept.tolist() == [True, True, True, True, True, True]
    assert sizes.tolist() == [2, 3, 2, 2, 1, 2]
    # Raw neighbour class counts: nodes 0 and 3 have {1: 1, 2: 1}, node 1 has
    # {0: 2, 1: 1}, node 2 {0: 2}, node 4 {1: 1} and node 5 {0: 1, 1: 1}.
    assert symbols[0] == symbols[3]
    assert len(set(symbols.tolist())) == 5
