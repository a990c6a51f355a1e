"""NIC with bins near 2^63 equals NIC with bins = D^2, on both symbol paths.

The level formula 2 * bins * counts used to overflow int64 for such bins, so
graphkit analyze --nic-bins 9223372036854775807 reported NIC 0.0001 on the
synthetic graph, against 0.9929 for --nic-bins 1000000.
"""

from __future__ import annotations

import pytest
import torch

import graphkit.metrics.graph as graph_module
from graphkit.metrics import build_labelled_graph, nic_estimate
from graphkit.metrics.neighbourhood_information import discretise_histograms
from graphkit.metrics.nic_symbols import capped_bins

HUGE = 2**63 - 1


def test_equal_fractions_share_symbol():
    # Rows 0 and 1 have fractions (1/3, 2/3), row 2 has (1/2, 1/2).
    counts = torch.tensor([[1, 2], [2, 4], [1, 1]])
    ids = discretise_histograms(counts, HUGE)
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]


def test_cap_is_squared_degree():
    assert capped_bins(HUGE, 6) == 36
    assert capped_bins(10, 6) == 10


def test_cap_rejects_overflowing_degree():
    with pytest.raises(ValueError) as caught:
        capped_bins(HUGE, 3_000_000)
    largest = (HUGE - 3_000_000) // 6_000_000
    assert str(caught.value) == (
        f"bins={HUGE} with neighbourhoods of up to 3000000 nodes overflows 64-bit "
        f"integers. Give at most {largest} bins, or bins=None for raw counts"
    )


def _graph():
    generator = torch.Generator().manual_seed(0)
    # 50 classes: N * C = 100,000 entries, above the 16,000 stored edges, so a
    # dense limit of 0 selects the sparse symbols.
    y = torch.randint(0, 50, (2000,), generator=generator)
    edge_index = torch.randint(0, 2000, (2, 8000), generator=generator)
    return edge_index, y


@pytest.mark.parametrize("dense_limit", [0, 1 << 30])
def test_huge_bins_equal_squared_degree(monkeypatch, dense_limit):
    monkeypatch.setattr(graph_module, "DENSE_COUNTS_MIN_ENTRIES", dense_limit)
    edge_index, y = _graph()
    graph = build_labelled_graph(edge_index, y)
    assert graph.uses_dense_counts == bool(dense_limit)
    max_degree = int(torch.bincount(graph.dst).max())
    reference = nic_estimate(graph, bins=max_degree**2)
    huge = nic_estimate(graph, bins=HUGE)
    # NIC itself is NaN here, because nearly every node has its own symbol.
    assert huge.mutual_information == reference.mutual_information
    assert huge.num_symbols == reference.num_symbols
