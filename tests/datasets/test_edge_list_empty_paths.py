"""load_edge_list rejects an empty or blank file path instead of reading the working folder."""

import pytest
from graphkit.datasets import load_dataset, load_edge_list
from graphkit.launch.cli import run


@pytest.fixture
def files(tmp_path):
    edges = tmp_path / "edges.txt"
    features = tmp_path / "features.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("0 1\n1 2\n2 3\n")
    features.write_text("0 1.0\n1 2.0\n2 3.0\n3 4.0\n")
    labels.write_text("0 0\n1 1\n2 0\n3 1\n")
    return edges, features, labels


@pytest.mark.parametrize("option", ["features", "labels"])
@pytest.mark.parametrize("value", ["", "  "])
def test_empty_file_option_rejected(files, option, value):
    edges, features, labels = files
    paths = {"features": features, "labels": labels, option: value}
    with pytest.raises(ValueError) as error:
        load_edge_list(edges, **paths)
    assert f"{option} is an empty path ({value!r})" in str(error.value)
    assert "folder" not in str(error.value)


def test_empty_edge_list_path_rejected(files):
    _, _, labels = files
    with pytest.raises(ValueError) as error:
        load_dataset("edge-list", path="", labels=str(labels))
    assert "edge-list: path '' is empty. Pass path=FILE to load_dataset" in str(
        error.value
    )


def test_empty_labels_on_command_line(files, capsys, monkeypatch):
    edges, features, _ = files
    # Run from the data folder, where Path("") would name a folder with files.
    monkeypatch.chdir(edges.parent)
    options = f"{{features: {features}, labels: ''}}"
    code = run(["train", "--dataset", str(edges), "--dataset-options", options])
    error = capsys.readouterr().err
    assert code == 2
    assert "labels is an empty path ('')" in error
    assert "Give the path of the label file in --dataset-options" in error
    assert "Traceback" not in error
