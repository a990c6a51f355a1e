"""K-hop NIC histograms computed one block of target nodes at a time."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import build_labelled_graph, khop, neighbour_label_counts
from graphkit.metrics.graph import MeasureOptions
from graphkit.metrics.khop import khop_label_counts
from graphkit.metrics.neighbourhood_information import nic_estimate


def _random_graph(seed: int, directed: bool):
    generator = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, 40, (2, 90), generator=generator)
    y = torch.randint(0, 3, (40,), generator=generator)
    return build_labelled_graph(
        edge_index, y, options=MeasureOptions(directed=directed)
    )


def _dense_reference(graph, hops: int) -> torch.Tensor:
    # Reachability by boolean matrix powers, then class counts without the node itself.
    n = graph.num_nodes
    adjacency = torch.zeros(n, n, dtype=torch.bool)
    adjacency[graph.dst, graph.src] = True
    reach = adjacency.clone()
    for _ in range(hops - 1):
        reach = reach | ((reach.long() @ adjacency.long()) > 0)
    reach.fill_diagonal_(False)
    one_hot = torch.nn.functional.one_hot(graph.y, graph.num_classes)
    return reach.long() @ one_hot


def _as_table(graph, keys, counts) -> torch.Tensor:
    table = torch.zeros(graph.num_nodes * graph.num_classes, dtype=torch.int64)
    table[keys] = counts
    return table.view(graph.num_nodes, graph.num_classes)


@pytest.mark.parametrize("max_pairs", [1, 5, 60, 1 << 24])
@pytest.mark.parametrize("hops", [2, 3, 5])
@pytest.mark.parametrize("directed", [False, True])
def test_blocks_match_dense_reachability(max_pairs, hops, directed):
    graph = _random_graph(hops, directed)
    keys, counts = khop_label_counts(graph, hops, max_pairs)
    assert torch.equal(keys, torch.sort(keys).values)
    assert bool((counts > 0).all())
    assert torch.equal(_as_table(graph, keys, counts), _dense_reference(graph, hops))


def test_block_size_at_most_max_pairs(monkeypatch):
    # A star around node 0: within 3 hops every node reaches every node, so the
    # whole pattern has 40 * 40 pairs, but each block has at most 50.
    leaves = torch.arange(1, 40)
    edge_index = torch.stack([torch.zeros(39, dtype=torch.int64), leaves])
    graph = build_labelled_graph(edge_index, torch.arange(40) % 2)
    block_sizes = []
    product = torch.sparse.mm

    def recording_product(reach, adjacency):
        block_sizes.append(reach.indices().size(1))
        return product(reach, adjacency)

    monkeypatch.setattr(torch.sparse, "mm", recording_product)
    keys, counts = khop_label_counts(graph, 3, max_pairs=50)
    assert max(block_sizes) <= 50
    assert torch.equal(_as_table(graph, keys, counts), _dense_reference(graph, 3))


@pytest.mark.parametrize("dense_min_entries", [0, 1 << 22])
def test_nic_equal_for_any_block_size(monkeypatch, dense_min_entries):
    # The [40, 6] class table has more entries than the graph's stored edges (at most
    # 180), so threshold 0 sends it to the sparse symbol path, and the default keeps
    # it dense.
    monkeypatch.setattr(
        "graphkit.metrics.graph.DENSE_COUNTS_MIN_ENTRIES", dense_min_entries
    )
    generator = torch.Generator().manual_seed(7)
    edge_index = torch.randint(0, 40, (2, 90), generator=generator)
    y = torch.randint(0, 6, (40,), generator=generator)
    uses_dense = build_labelled_graph(edge_index, y).uses_dense_counts
    assert uses_dense == (dense_min_entries > 0)
    whole = nic_estimate(edge_index, y, hops=3, bins=None)
    monkeypatch.setattr(khop, "MAX_BLOCK_PAIRS", 3)
    blocks = nic_estimate(edge_index, y, hops=3, bins=None)
    assert blocks == whole
    graph = _random_graph(7, False)
    assert torch.equal(neighbour_label_counts(graph, 4), _dense_reference(graph, 4))
