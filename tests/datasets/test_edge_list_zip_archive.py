"""A zip archive (.npz, torch.save) or .npy array given as text gets a format error."""

import numpy as np
import pytest
import torch
from graphkit.datasets import DatasetFormatError, load_dataset, load_edge_list


def test_npz_as_edge_list(tmp_path):
    path = tmp_path / "graph.npz"
    np.savez(path, edges=np.array([[0, 1], [1, 2]]), node_labels=np.array([0, 1, 0]))
    with pytest.raises(DatasetFormatError) as error:
        load_dataset(str(path))
    message = str(error.value)
    assert message.startswith(f"{path}: a zip archive (such as a NumPy .npz")
    assert "<root>/yandex_npz/<name>.npz" in message


def test_torch_file_as_labels(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    labels = tmp_path / "labels.pt"
    torch.save(torch.tensor([0, 1]), labels)
    with pytest.raises(DatasetFormatError) as error:
        load_edge_list(edges, labels=labels)
    assert str(error.value).startswith(f"{labels}: a zip archive")


def test_torch_data_file_points_to_python_path(tmp_path):
    path = tmp_path / "data.pt"
    torch.save({"edge_index": torch.tensor([[0], [1]])}, path)
    with pytest.raises(DatasetFormatError) as error:
        load_dataset(str(path))
    message = str(error.value)
    assert "A PyG Data held in Python needs no file" in message
    assert "graphkit.distributed.files.write_partitions (docs/own-data.md)" in message


def test_npy_label_file_named(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    labels = tmp_path / "y.npy"
    np.save(labels, np.array([0, 1]))
    with pytest.raises(DatasetFormatError) as error:
        load_edge_list(edges, labels=labels)
    assert str(error.value).startswith(
        f"{labels}: a NumPy .npy array (np.save), not a text file."
    )
    assert "fmt='%d'" in str(error.value)
