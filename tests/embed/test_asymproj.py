"""The AsymProj link-prediction loader."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from graphkit.datasets import load_asymproj


def write_split(folder, train, test, negatives) -> None:
    folder.mkdir(parents=True)
    for name, pairs in [
        ("train.txt.npy", train),
        ("test.txt.npy", test),
        ("test.neg.txt.npy", negatives),
    ]:
        np.save(folder / name, np.asarray(pairs, dtype=np.int32))


def test_tiny_split_fields(tmp_path):
    write_split(tmp_path / "asymproj" / "ppi", [[0, 1], [1, 2]], [[2, 3]], [[0, 3]])
    for root in (tmp_path, tmp_path / "asymproj", tmp_path / "asymproj" / "ppi"):
        data = load_asymproj("PPI", root)
        assert data.num_nodes == 4
        assert data.train_pos_edge_index.tolist() == [[0, 1], [1, 2]]
        assert data.edge_index.tolist() == [[0, 1, 1, 2], [1, 2, 0, 1]]
        assert data.test_pos_edge_index.tolist() == [[2], [3]]
        assert data.test_neg_edge_index.tolist() == [[0], [3]]
        assert data.edge_index.dtype == torch.long


def test_missing_files_and_bad_names(tmp_path):
    with pytest.raises(
        FileNotFoundError, match="AsymProj dataset 'ca-HepTh' not found"
    ):
        load_asymproj("ca-hepth", tmp_path)
    with pytest.raises(ValueError, match="unknown AsymProj dataset 'cora'"):
        load_asymproj("cora", tmp_path)


def test_malformed_array_rejected(tmp_path):
    write_split(tmp_path / "ppi", [[0, 1]], [[1, 2]], [[0, 2]])
    np.save(tmp_path / "ppi" / "test.txt.npy", np.zeros((3, 3), dtype=np.int32))
    with pytest.raises(
        ValueError, match=r"expected an integer array of shape \(pairs, 2\)"
    ):
        load_asymproj("ppi", tmp_path)


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name, nodes, train, test, loops",
    [
        ("ppi", 3852, 19349, 19356, 404),
        ("ca-AstroPh", 17903, 98515, 98516, 30),
        ("ca-HepTh", 8638, 13330, 11496, 8),
        ("soc-facebook", 4039, 44113, 44121, 0),
    ],
)
def test_real_split_counts(shared_data, name, nodes, train, test, loops):
    data = load_asymproj(name, shared_data / "graphs")
    assert data.num_nodes == nodes
    assert data.train_pos_edge_index.shape == (2, train)
    assert data.test_pos_edge_index.shape == (2, test)
    assert data.test_neg_edge_index.shape == (2, test)
    # Each training self-loop appears once in edge_index, every other edge twice.
    assert data.edge_index.shape == (2, 2 * train - loops)


def test_self_loop_listed_once(tmp_path):
    write_split(tmp_path / "ppi", [[0, 1], [2, 2], [1, 2]], [[0, 2]], [[0, 3]])
    data = load_asymproj("ppi", tmp_path)
    assert data.edge_index.tolist() == [[0, 2, 1, 1, 2], [1, 2, 2, 0, 1]]
    assert data.train_pos_edge_index.tolist() == [[0, 2, 1], [1, 2, 2]]
