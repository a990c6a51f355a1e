"""``graphkit analyze``: table, JSON, CSV and PNG output, and its error messages."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import torch
from graphkit.launch.cli import main
from graphkit.launch.cmd_analyze import _graph_name

EDGES = "# five edges\na b\nb c\nc d\nd e\nc e\n"
LABELS = "a 0\nb 0\nc 1\nd 1\ne 1\n"


@pytest.fixture
def edge_files(tmp_path):
    edges = tmp_path / "toy.txt"
    labels = tmp_path / "toy_labels.txt"
    edges.write_text(EDGES)
    labels.write_text(LABELS)
    return edges, labels


def _analyze(*args: str) -> int:
    return main(["analyze", *map(str, args)])


def test_edge_list_table_and_files(edge_files, tmp_path, capsys):
    edges, labels = edge_files
    out_json, out_csv, plots = tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "png"
    code = _analyze(
        "--edge-list", edges, "--labels", labels,
        "--json", out_json, "--csv", out_csv, "--plot", plots,
    )  # fmt: skip
    assert code == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("toy "))
    # nodes, edges, classes, h_edge, h_node, h_class, h_adj, ..., NIC
    assert row.split()[1:8] == ["5", "5", "2", "0.8000", "0.8333", "0.5238", "0.5238"]
    assert row.split()[-1] == "1.0000"
    assert "conventions: undirected, self-loops removed" in table

    (result,) = json.loads(out_json.read_text())
    assert result["name"] == "toy"
    assert result["measures"]["edge_homophily"] == pytest.approx(0.8)
    assert result["compatibility"][0] == pytest.approx([2 / 3, 1 / 3])
    rows = list(csv.DictReader(out_csv.open()))
    assert float(rows[0]["node_homophily"]) == pytest.approx(5 / 6)
    for kind in ("compatibility", "local_homophily", "nic_by_size"):
        png = plots / f"toy_{kind}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_directed_option_changes_conventions(edge_files, capsys):
    edges, labels = edge_files
    assert _analyze("--edge-list", edges, "--labels", labels, "--directed") == 0
    table = capsys.readouterr().out
    assert "directed (in-neighbours)" in table
    # Edges a->b, b->c, c->d, d->e, c->e keep their direction, and only b->c joins
    # two classes, so h_edge = 4/5. In-neighbour shares of b, c, d, e are 1, 0, 1, 1 and
    # a has none: h_node = 3/4. Target classes (1/5, 4/5) and source classes
    # (2/5, 3/5) give chance 14/25 and h_adj = (4/5 - 14/25) / (11/25) = 6/11.
    # h_class = (1 - 2/5) + (3/4 - 3/5) = 3/4. The LI values are I / H(target class)
    # of the tables [[1/5, 0], [1/5, 3/5]] (edges) and [[1/4, 0], [1/4, 1/2]] (nodes).
    row = next(line for line in table.splitlines() if line.startswith("toy "))
    values = row.split()[1:10]
    assert values[:3] == ["5", "5", "2"]
    assert values[3:7] == ["0.8000", "0.7500", "0.7500", "0.5455"]
    assert values[7:9] == ["0.4459", "0.3837"]


def test_nodes_option_counts_mask(edge_files, capsys):
    edges, labels = edge_files
    assert _analyze("--edge-list", edges, "--labels", labels, "--nodes", "train") == 0
    row = capsys.readouterr().out.splitlines()[2]
    # load_edge_list puts 60 % of the 5 labelled nodes in its random train mask.
    assert row.split()[1] == "3"


def test_nodes_option_in_conventions(edge_files, capsys):
    edges, labels = edge_files
    assert _analyze("--edge-list", edges, "--labels", labels, "--nodes", "train") == 0
    conventions = capsys.readouterr().out.splitlines()[-1]
    assert conventions.startswith("conventions: undirected")
    assert conventions.endswith(
        "; only train_mask nodes counted (the random split of the edge list)"
    )


def test_nodes_help_names_random_split(capsys):
    with pytest.raises(SystemExit):
        _analyze("--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "it gets a random 60/20/20 split of its labelled nodes (seed 0)" in help_text


def test_edge_list_unknown_node(edge_files, capsys):
    edges, labels = edge_files
    labels.write_text("a 0\nb 0\nc 1\nd 1\n")
    assert _analyze("--edge-list", edges, "--labels", labels) == 2
    error = capsys.readouterr().err
    assert f"{edges}: 1 node id(s) of the edge list are missing" in error
    assert f"label file {labels}: 'e'" in error


def test_label_file_errors(edge_files, capsys):
    edges, labels = edge_files
    labels.write_text("a\n")
    assert _analyze("--edge-list", edges, "--labels", labels) == 2
    assert f"{labels}:1: expected 2 fields" in capsys.readouterr().err


def test_string_labels_become_classes(edge_files, capsys):
    edges, labels = edge_files
    labels.write_text("a red\nb red\nc blue\nd blue\ne blue\n")
    assert _analyze("--edge-list", edges, "--labels", labels) == 0
    row = capsys.readouterr().out.splitlines()[2]
    assert row.split()[4] == "0.8000"


def test_missing_inputs(edge_files, tmp_path, capsys):
    edges, _ = edge_files
    assert _analyze() == 2
    assert "nothing to analyze" in capsys.readouterr().err
    assert _analyze("--edge-list", edges) == 2
    assert "--edge-list and --labels must be given together" in capsys.readouterr().err
    assert _analyze("--dataset", "cora", "--labels", edge_files[1]) == 2
    assert "--edge-list and --labels must be given together" in capsys.readouterr().err
    missing = tmp_path / "none.txt"
    assert _analyze("--edge-list", edges, "--labels", missing) == 2
    assert f"label file not found: {missing}" in capsys.readouterr().err


def test_bad_nic_bins_rejected(edge_files, capsys):
    edges, labels = edge_files
    with pytest.raises(SystemExit) as stop:
        _analyze("--edge-list", edges, "--labels", labels, "--nic-bins", "0")
    assert stop.value.code == 2
    assert "expected a positive integer or 'raw'" in capsys.readouterr().err


@pytest.mark.realdata
def test_three_datasets_compared(shared_data, tmp_path, capsys):
    plots = tmp_path / "out"
    root = shared_data / "graphs"
    code = _analyze(
        "--dataset", "cora", "--dataset", "texas", "--dataset", "chameleon",
        "--root", root, "--plot", plots,
    )  # fmt: skip
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines[2:5]]
    assert names == ["cora", "texas", "chameleon"]
    cora = lines[2].split()
    assert cora[1:5] == ["2708", "5278", "7", "0.8100"]
    assert cora[7] == "0.7711"
    assert len(list(plots.glob("*.png"))) == 9


@pytest.mark.realdata
def test_unknown_dataset_lists_names(shared_data, capsys):
    assert _analyze("--dataset", "coraa", "--root", shared_data / "graphs") == 2
    error = capsys.readouterr().err
    assert "unknown dataset 'coraa'" in error
    # "cora" alone would match inside 'coraa', so check the hint and the name list.
    assert "(did you mean 'cora'?)" in error
    assert "known datasets: actor, amazon-ratings, chameleon," in error


def test_dataset_without_labels_rejected():
    from graphkit.launch.cmd_analyze import _require_labels
    from torch_geometric.data import Data

    with pytest.raises(ValueError, match="dataset 'asymproj' has no node labels"):
        _require_labels(
            Data(edge_index=torch.zeros(2, 0, dtype=torch.long)), "asymproj"
        )
    with pytest.raises(ValueError, match="multi-label datasets are not supported"):
        _require_labels(Data(y=torch.zeros(4, 3, dtype=torch.long)), "proteins")


def test_isolated_zero_changes_h_node_only(edge_files, tmp_path):
    # Directed, node a has no in-neighbour. Of b, c, d and e, three share the label of
    # all their in-neighbours: h_node is 3/4 without a and 3/5 with a counted as 0.
    edges, labels = edge_files
    measures = {}
    for isolated in ("exclude", "zero"):
        out_json = tmp_path / f"{isolated}.json"
        code = _analyze(
            "--edge-list", edges, "--labels", labels, "--directed",
            "--isolated", isolated, "--json", out_json,
        )  # fmt: skip
        assert code == 0
        (result,) = json.loads(out_json.read_text())
        measures[isolated] = result["measures"]
    assert measures["exclude"]["node_homophily"] == pytest.approx(3 / 4)
    assert measures["zero"]["node_homophily"] == pytest.approx(3 / 5)
    for name in measures["zero"]:
        if name != "node_homophily":
            assert measures["zero"][name] == measures["exclude"][name], name


def test_estimator_flags_in_conventions(edge_files, tmp_path, capsys):
    edges, labels = edge_files
    out_json = tmp_path / "r.json"
    code = _analyze(
        "--edge-list", edges, "--labels", labels, "--self-loops", "--isolated", "zero",
        "--nic-bins", "raw", "--nic-hops", "2", "--nic-correction", "none",
        "--json", out_json,
    )  # fmt: skip
    assert code == 0
    conventions = capsys.readouterr().out.splitlines()[-1]
    assert "self-loops kept" in conventions
    assert "isolated nodes as 0 in h_node and excluded from LI_node" in conventions
    assert "NIC: 2-hop histogram, raw counts, correction none" in conventions
    (result,) = json.loads(out_json.read_text())
    assert result["measures"]["nic"] == result["measures"]["nic_uncorrected"]


@pytest.mark.realdata
def test_split_mask_needs_split_index(shared_data, capsys):
    root = shared_data / "graphs"
    assert _analyze("--dataset", "chameleon", "--root", root, "--nodes", "train") == 2
    assert "has 10 splits; choose one with --split INDEX" in capsys.readouterr().err
    code = _analyze(
        "--dataset", "chameleon", "--root", root, "--nodes", "train", "--split", "0"
    )
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].split()[1] == "1092"
    assert out[-1].endswith("; only train_mask nodes counted (split 0)")


def test_unwritable_output_reported(edge_files, tmp_path, capsys):
    edges, labels = edge_files
    target = tmp_path / "missing_folder" / "r.json"
    assert _analyze("--edge-list", edges, "--labels", labels, "--json", target) == 2
    assert "missing_folder" in capsys.readouterr().err


def test_header_option_keeps_first_edge(tmp_path, capsys):
    # Node ids "source" and "target" look like column names, so "auto" skips the
    # first edge; --header no keeps it and --header yes skips it on purpose.
    edges, labels = tmp_path / "named.txt", tmp_path / "named_labels.txt"
    edges.write_text("source target\ntarget a\n")
    labels.write_text("source 0\ntarget 0\na 1\n")
    counts = {}
    for choice in ("auto", "no", "yes"):
        code = _analyze("--edge-list", edges, "--labels", labels, "--header", choice)
        assert code == 0
        table = capsys.readouterr().out
        row = next(line for line in table.splitlines() if line.startswith("named "))
        counts[choice] = row.split()[2]
    assert counts == {"auto": "1", "no": "2", "yes": "1"}


def test_relative_and_absolute_same_output_rejected(
    edge_files, tmp_path, monkeypatch, capsys
):
    edges, labels = edge_files
    monkeypatch.chdir(tmp_path)
    code = _analyze(
        "--edge-list", edges, "--labels", labels, "--json", "out.txt",
        "--csv", tmp_path / "out.txt",
    )  # fmt: skip
    assert code == 2
    assert "--json and --csv both name out.txt" in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()


def test_graph_name_drops_gz_in_any_case():
    assert _graph_name(Path("data/edges.txt.gz")) == "edges"
    assert _graph_name(Path("data/edges.txt.GZ")) == "edges"
    assert _graph_name(Path("data/edges.txt")) == "edges"


@pytest.mark.realdata
def test_dataset_options_load_yandex_cornell(shared_data, capsys):
    # The Geom-GCN Cornell node file repeats Texas's labels, so only the yandex
    # archive gives Cornell's own row: h_edge 0.1227 and h_node 0.1110.
    root = shared_data / "graphs"
    code = _analyze(
        "--dataset", "cornell", "--root", root, "--dataset-options", "{source: yandex}"
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    cornell = lines[2].split()
    conventions = lines[3]
    assert cornell[:8] == [
        "cornell", "183", "277", "5", "0.1227", "0.1110", "0.0383", "-0.2201"
    ]  # fmt: skip
    assert conventions.endswith("; dataset options {source: yandex}")


@pytest.mark.parametrize("key", ["split", "root", "features", "pyg_data"])
def test_dataset_options_reject_analyze_arguments(key, capsys):
    code = _analyze("--dataset", "cora", "--dataset-options", f"{{{key}: 1}}")
    assert code == 2
    error = capsys.readouterr().err
    assert f"--dataset-options cannot set {key}, which analyze sets itself" in error


def test_dataset_options_need_dataset(edge_files, capsys):
    edges, labels = edge_files
    code = _analyze(
        "--edge-list", edges, "--labels", labels, "--dataset-options", "{source: x}"
    )
    assert code == 2
    assert "--dataset-options applies to --dataset only" in capsys.readouterr().err


def test_split_needs_dataset(edge_files, capsys):
    edges, labels = edge_files
    code = _analyze("--edge-list", edges, "--labels", labels, "--split", "3")
    assert code == 2
    error = capsys.readouterr().err
    assert "--split 3 selects one of a --dataset's splits" in error


def test_dataset_options_checked_before_loading(edge_files, tmp_path, capsys):
    # num_nodes suits synthetic but not the edge-list file, so the run stops before
    # analysing synthetic, whose results the error would otherwise discard.
    edges, _labels = edge_files
    out_json = tmp_path / "r.json"
    code = _analyze(
        "--dataset", "synthetic", "--dataset", edges, "--json", out_json,
        "--dataset-options", "{num_nodes: 50}",
    )  # fmt: skip
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        f"--dataset-options sets num_nodes, which the loader of --dataset {edges} "
        "does not accept"
    ) in captured.err
    assert "applies to every --dataset" in captured.err
    assert not out_json.exists()


def test_later_dataset_error_prints_earlier(tmp_path, capsys):
    # delimiter "," suits the first edge list but not the second, which only its
    # loader finds out. The first graph's row is printed, and --json keeps its content.
    (tmp_path / "comma.txt").write_text("a,b\nb,c\nc,d\nd,e\nc,e\n")
    (tmp_path / "space.txt").write_text("a b\nb c\nc d\nd e\nc e\n")
    (tmp_path / "labels.txt").write_text(LABELS.replace(" ", ","))
    out_json = tmp_path / "r.json"
    out_json.write_text("earlier results\n")
    options = f"{{labels: {tmp_path / 'labels.txt'}, delimiter: ','}}"
    code = _analyze(
        "--dataset", tmp_path / "comma.txt", "--dataset", tmp_path / "space.txt",
        "--dataset-options", options, "--json", out_json,
    )  # fmt: skip
    assert code == 2
    captured = capsys.readouterr()
    row = next(line for line in captured.out.splitlines() if line.startswith("comma "))
    assert row.split()[1:8] == ["5", "5", "2", "0.8000", "0.8333", "0.5238", "0.5238"]
    assert "space" not in captured.out
    assert f"{tmp_path / 'space.txt'}:1: expected 2 or 3 fields" in captured.err
    assert (
        "The table above contains the graphs analysed before the error (comma). "
        f"--json {out_json} was not written, so existing files keep their content"
    ) in captured.err
    assert out_json.read_text() == "earlier results\n"
