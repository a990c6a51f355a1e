"""The metrics benchmark names the edge list size apart from the process's memory."""

import argparse

import torch
from benchmark_scripts import load_benchmark

SCRIPT = "metrics_speed.py"


def test_input_line_gives_edge_list_mib():
    benchmark = load_benchmark(SCRIPT)
    args = argparse.Namespace(nodes=100, edges=65_536, classes=5)
    # Two int64 rows of 65,536 entries: exactly 1 MiB.
    edge_index = torch.zeros(2, 65_536, dtype=torch.long)
    line = benchmark.input_summary(args, edge_index)
    assert "input edge list 1.0 MiB" in line
    assert "resident set" in line


def test_half_of_edges_drawn_in_class():
    benchmark = load_benchmark(SCRIPT)
    edge_index, y = benchmark.make_graph(20_000, 200_000, 5)
    same = (y[edge_index[0]] == y[edge_index[1]]).double().mean().item()
    # 0.5 drawn in a class plus 0.5 * 1/5 of the uniform half.
    assert abs(same - 0.6) < 0.01
