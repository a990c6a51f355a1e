"""graphkit analyze checks the --plot folder before it analyses any graph."""

from __future__ import annotations

from graphkit.launch.cli import main

import graphkit.metrics


def test_plot_below_a_file_rejected_before_work(tmp_path, monkeypatch, capsys):
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("0 1\n1 2\n")
    labels.write_text("0 0\n1 1\n2 0\n")
    analysed = []
    monkeypatch.setattr(
        graphkit.metrics, "summarize_graph", lambda *a, **k: analysed.append(1)
    )
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels)]
    assert main([*argv, "--plot", str(edges / "plots")]) == 2
    error = capsys.readouterr().err
    assert f"--plot {edges / 'plots'}: {edges} is a file, not a folder" in error
    # No graph is analysed, so an invalid --plot folder fails before any work.
    assert analysed == []
