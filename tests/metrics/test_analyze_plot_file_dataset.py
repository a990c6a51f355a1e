"""--plot keeps the images of a --dataset FILE in the --plot folder."""

from __future__ import annotations

import torch
from graphkit.launch.cli import main

from graphkit.metrics import build_labelled_graph
from graphkit.metrics.plots import write_plots

KINDS = ("compatibility", "local_homophily", "nic_by_size")


def test_dataset_file_plots_in_plot_folder(tmp_path, capsys):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    edges = data_dir / "edges.txt"
    labels = data_dir / "labels.txt"
    edges.write_text("0 1\n1 2\n2 0\n")
    labels.write_text("0 a\n1 a\n2 b\n")
    plots = tmp_path / "plots"
    argv = ["analyze", "--dataset", str(edges), "--plot", str(plots)]
    argv += ["--dataset-options", f"{{labels: {labels}}}"]
    assert main(argv) == 0
    # The images are named after the graph (edges), not the dataset path, so none
    # is written next to edges.txt.
    assert sorted(path.name for path in data_dir.iterdir()) == [
        "edges.txt",
        "labels.txt",
    ]
    for kind in KINDS:
        assert (plots / f"edges_{kind}.png").is_file()
    row = capsys.readouterr().out.splitlines()[2]
    assert row.split()[:4] == ["edges", "3", "3", "2"]


def test_write_plots_name_with_separator(tmp_path):
    graph = build_labelled_graph(
        torch.tensor([[0, 1], [1, 2]]), torch.tensor([0, 1, 0])
    )
    paths = write_plots(graph, "../up/graph", tmp_path / "plots")
    expected = [tmp_path / "plots" / f".._up_graph_{kind}.png" for kind in KINDS]
    assert paths == expected
    for path in expected:
        assert path.is_file()
