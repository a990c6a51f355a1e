"""The bandwidth benchmark predicts from the graph size its results were measured on."""

import importlib.util
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "multinode_bandwidth.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("bandwidth_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recorded_size_used_without_nodes():
    benchmark = _load_benchmark()
    results = {"sar": {"nodes": 2000}, "sa": {"nodes": 2000}}
    assert benchmark.graph_nodes(results, None) == 2000


def test_other_nodes_than_recorded_rejected():
    benchmark = _load_benchmark()
    with pytest.raises(ValueError, match="--nodes 20000 differs from the 2000 nodes"):
        benchmark.graph_nodes({"sar": {"nodes": 2000}}, 20000)


def test_mixed_sizes_rejected():
    benchmark = _load_benchmark()
    with pytest.raises(ValueError, match=r"mix graph sizes \[2000, 4000\]"):
        benchmark.graph_nodes({"sar": {"nodes": 2000}, "sa": {"nodes": 4000}}, None)


def test_unrecorded_size_falls_back():
    benchmark = _load_benchmark()
    assert benchmark.graph_nodes({"sar": {}}, None) == 20_000
    assert benchmark.graph_nodes({"sar": {}}, 3000) == 3000
