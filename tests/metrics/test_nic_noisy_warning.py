"""NIC warns when the permutation baseline nears the label entropy."""

import logging

import pytest
from graphkit.datasets import synthetic_csbm

from graphkit.metrics import nic_estimate

LOGGER = "graphkit.metrics.neighbourhood_information"


@pytest.fixture(scope="module")
def sparse_symbols_graph():
    # 2,000 nodes of 10 classes with about 10 neighbours each, so nearly every node
    # has its own 10-level histogram.
    return synthetic_csbm(num_nodes=2000, homophily=0.2)


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_many_symbols_warn(caplog, sparse_symbols_graph):
    data = sparse_symbols_graph
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        estimate = nic_estimate(data.edge_index, data.y)
    assert estimate.baseline > 0.8 * estimate.label_entropy
    expected = (
        f"NIC {estimate.value:.4f} is noisy here: {estimate.num_symbols} neighbourhood "
        f"symbols over {estimate.num_nodes} nodes give a permutation baseline "
        f"E[I] = {estimate.baseline:.3f} of the label entropy "
        f"H(Y) = {estimate.label_entropy:.3f}, so NIC divides by the small "
        "H(Y) - E[I]. Pass fewer levels per class (bins, --nic-bins) to get fewer "
        "symbols"
    )
    assert warnings_of(caplog) == [expected]


def test_fewer_bins_no_warning(caplog, sparse_symbols_graph):
    data = sparse_symbols_graph
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        estimate = nic_estimate(data.edge_index, data.y, bins=2)
    assert estimate.baseline < 0.8 * estimate.label_entropy
    assert warnings_of(caplog) == []


def test_no_correction_no_warning(caplog, sparse_symbols_graph):
    data = sparse_symbols_graph
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        nic_estimate(data.edge_index, data.y, correction="none")
    assert warnings_of(caplog) == []
