"""``graphkit analyze`` rejects graphs without edges or labels instead of printing NaN."""

import pytest
import torch
from graphkit.launch.cli import main
from graphkit.launch.cmd_analyze import _require_labels
from torch_geometric.data import Data


def _analyze(tmp_path, capsys, edges: str, labels: str, *extra: str) -> tuple[int, str]:
    edge_path, label_path = tmp_path / "edges.txt", tmp_path / "labels.txt"
    edge_path.write_text(edges)
    label_path.write_text(labels)
    code = main(["analyze", "--edge-list", str(edge_path), "--labels", str(label_path),
                 *extra])  # fmt: skip
    return code, capsys.readouterr()


def test_empty_edge_list(tmp_path, capsys):
    code, output = _analyze(tmp_path, capsys, "# no edges\n", "a 0\nb 1\n")
    assert code == 2
    assert f"edge list {tmp_path / 'edges.txt'} contains no edges" in output.err
    assert "nan" not in output.out


def test_empty_edge_and_label_files(tmp_path, capsys):
    code, output = _analyze(tmp_path, capsys, "", "")
    assert code == 2
    assert f"edge list {tmp_path / 'edges.txt'} contains no edges" in output.err


def test_only_self_loops(tmp_path, capsys):
    code, output = _analyze(tmp_path, capsys, "a a\nb b\n", "a 0\nb 1\n")
    assert code == 2
    assert "has no edge between two counted nodes (self-loops removed" in output.err
    assert "--self-loops keeps them" in output.err


def test_only_edges_to_unlabelled_nodes(tmp_path, capsys):
    code, output = _analyze(tmp_path, capsys, "a b\nb c\n", "a 0\nb -1\nc 1\n")
    assert code == 2
    assert "nodes (1 unlabelled node(s) and their edges left out);" in output.err
    # The graph has no self-loops, so the message must not blame their removal.
    assert "self-loops" not in output.err


def test_self_loops_kept_on_request(tmp_path, capsys):
    code, output = _analyze(
        tmp_path, capsys, "a a\nb b\n", "a 0\nb 1\n", "--self-loops"
    )
    assert code == 0
    row = output.out.splitlines()[2].split()
    assert row[:5] == [
        "edges",
        "2",
        "2",
        "2",
        "1.0000",
    ]  # both self-loops are homophilous


def test_empty_label_file(tmp_path, capsys):
    code, output = _analyze(tmp_path, capsys, "a b\n", "")
    assert code == 2
    assert (
        f"label file {tmp_path / 'labels.txt'} labels none of the nodes" in output.err
    )


def test_dataset_without_labelled_node():
    data = Data(edge_index=torch.tensor([[0], [1]]), y=torch.tensor([-1, -1]))
    with pytest.raises(ValueError, match="dataset 'blank' has no labelled node"):
        _require_labels(data, "blank")


def test_dataset_with_only_class_zero_accepted():
    # Label 0 is a class id, so this call must return without raising.
    data = Data(edge_index=torch.tensor([[0], [1]]), y=torch.tensor([0, 0]))
    _require_labels(data, "one_class")
