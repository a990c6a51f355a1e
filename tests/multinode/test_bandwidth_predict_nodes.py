"""The bandwidth benchmark predicts from the graph size its results were measured on."""

import pytest
from benchmark_scripts import load_benchmark

SCRIPT = "multinode_bandwidth.py"


def test_recorded_size_used_without_nodes():
    benchmark = load_benchmark(SCRIPT)
    results = {"sar": {"nodes": 2000}, "sa": {"nodes": 2000}}
    assert benchmark.graph_nodes(results, None) == 2000


def test_other_nodes_than_recorded_rejected():
    benchmark = load_benchmark(SCRIPT)
    with pytest.raises(ValueError, match="--nodes 20000 differs from the 2000 nodes"):
        benchmark.graph_nodes({"sar": {"nodes": 2000}}, 20000)


def test_mixed_sizes_rejected():
    benchmark = load_benchmark(SCRIPT)
    with pytest.raises(ValueError, match=r"mix graph sizes \[2000, 4000\]"):
        benchmark.graph_nodes({"sar": {"nodes": 2000}, "sa": {"nodes": 4000}}, None)


def test_unrecorded_size_falls_back():
    benchmark = load_benchmark(SCRIPT)
    assert benchmark.graph_nodes({"sar": {}}, None) == 20_000
    assert benchmark.graph_nodes({"sar": {}}, 3000) == 3000
