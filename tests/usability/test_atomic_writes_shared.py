"""Plots and the metrics log are written through unique temporary files.

A temporary name derived only from the target (``.metrics.jsonl.tmp``) or the process
id is shared by writers of the same target, so one writer would replace or remove
the other's file.
"""

import json
import os

import torch

from graphkit.metrics.graph import build_labelled_graph
from graphkit.metrics.plots import write_plots
from graphkit.train.checkpoint import drop_metrics_after


def test_drop_metrics_keeps_other_temporary(tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text("".join(json.dumps({"epoch": e}) + "\n" for e in (1, 2, 3)))
    other = tmp_path / ".metrics.jsonl.tmp"
    other.write_text("another writer's file")
    drop_metrics_after(path, 2)
    assert path.read_text() == '{"epoch": 1}\n{"epoch": 2}\n'
    assert other.read_text() == "another writer's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".metrics.jsonl.tmp",
        "metrics.jsonl",
    ]


def test_plots_keep_other_temporary(tmp_path):
    # A 4-node path graph with two classes.
    graph = build_labelled_graph(
        torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]),
        torch.tensor([0, 0, 1, 1]),
    )
    other = tmp_path / f".toy_compatibility.png.{os.getpid()}.tmp"
    other.write_text("another writer's file")
    paths = write_plots(graph, "toy", tmp_path)
    assert [p.name for p in paths] == [
        "toy_compatibility.png",
        "toy_local_homophily.png",
        "toy_nic_by_size.png",
    ]
    for written in paths:
        assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert other.read_text() == "another writer's file"
    assert len(list(tmp_path.iterdir())) == 4
