"""The analyze report: table cells, JSON and CSV output, and the summary's measures."""

from __future__ import annotations

import csv
import json

import pytest
import torch

from graphkit.metrics import MeasureOptions, build_labelled_graph, nic
from graphkit.metrics.report import COLUMNS, format_table, write_csv, write_json
from graphkit.metrics.summary import GraphSummary, NICOptions, summarize_graph


def _summary(name: str, value: float, conventions: str = "undirected") -> GraphSummary:
    return GraphSummary(
        name=name,
        num_nodes=4,
        num_counted_nodes=3,
        num_edges=2,
        num_classes=2,
        measures={key: value for key, _ in COLUMNS},
        compatibility=[[1.0, 0.0], [float("nan"), float("nan")]],
        conventions=conventions,
    )


def _reject_constant(name: str):
    raise AssertionError(f"non-standard JSON constant {name}")


def test_table_prints_negative_zero_as_zero():
    table = format_table([_summary("tiny", -0.00001)])
    row = table.splitlines()[2].split()
    assert row[:4] == ["tiny", "3", "2", "2"]
    assert row[4:] == ["0.0000"] * len(COLUMNS)


def test_table_lists_each_conventions_line_once():
    summaries = [
        _summary("a", 0.5, "undirected"),
        _summary("b", 0.5, "directed"),
        _summary("c", 0.5, "undirected"),
    ]
    lines = format_table(summaries).splitlines()
    assert lines[-2:] == ["conventions: undirected", "conventions: directed"]


def test_json_writes_nan_as_null(tmp_path):
    path = tmp_path / "report.json"
    write_json([_summary("tiny", float("nan"))], path)
    (result,) = json.loads(path.read_text(), parse_constant=_reject_constant)
    assert result["measures"]["nic"] is None
    assert result["compatibility"] == [[1.0, 0.0], [None, None]]


def test_csv_writes_nan_as_empty_cell(tmp_path):
    path = tmp_path / "report.csv"
    summary = _summary("tiny", 0.25)
    summary.measures["nic"] = float("nan")
    write_csv([summary], path)
    (row,) = list(csv.DictReader(path.open()))
    assert row["nic"] == ""
    assert row["edge_homophily"] == "0.25"
    assert row["counted_nodes"] == "3"


def test_summary_nic_uncorrected_is_plug_in_ratio():
    # On this 8-cycle the labels are not a function of the neighbour histogram, so the
    # permutation baseline lowers NIC below the plug-in ratio I / H(Y) = 0.5.
    edges = torch.stack([torch.arange(8), (torch.arange(8) + 1) % 8])
    labels = torch.tensor([0, 0, 1, 1, 0, 1, 0, 1])
    summary = summarize_graph(build_labelled_graph(edges, labels))
    assert summary.measures["nic_uncorrected"] == pytest.approx(0.5, abs=1e-12)
    assert summary.measures["nic"] == pytest.approx(nic(edges, labels), abs=1e-12)
    assert summary.measures["nic"] < 0.5


def test_summary_counts_kept_self_loop_once():
    # The undirected path 0 - 1 - 2 with a self-loop on node 2 has 3 edges, stored as
    # 5 directed ones. Without the loop it has 2.
    edges = torch.tensor([[0, 1, 2], [1, 2, 2]])
    labels = torch.tensor([0, 1, 1])
    kept = build_labelled_graph(edges, labels, options=MeasureOptions(self_loops=True))
    assert summarize_graph(kept).num_edges == 3
    assert summarize_graph(build_labelled_graph(edges, labels)).num_edges == 2


def test_summary_applies_nic_options():
    # Path 0-1-2-3-4-5 with the chord 0-3. The raw 2-hop label counts of the six nodes,
    # (2,2) (1,2) (3,1) (3,2) (1,3) (1,1), are all distinct, so the labels are a
    # function of them and the plug-in ratio is 1. One hop, 10 levels per class or the
    # permutation correction each give another value (0.54, 0.67 and NaN).
    edges = torch.tensor([[0, 1, 2, 3, 4, 0], [1, 2, 3, 4, 5, 3]])
    labels = torch.tensor([0, 0, 1, 1, 0, 1])
    options = NICOptions(bins=None, hops=2, correction="none")
    summary = summarize_graph(build_labelled_graph(edges, labels), nic_options=options)
    assert summary.measures["nic"] == pytest.approx(1.0, abs=1e-12)
    assert summary.conventions.endswith(
        "NIC: 2-hop histogram, raw counts, correction none"
    )
