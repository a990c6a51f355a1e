"""Corrupt, empty or out-of-range AsymProj files, and a root one level too high."""

from __future__ import annotations

import numpy as np
import pytest
from graphkit.datasets import load_asymproj


def write_split(folder, train, test, negatives) -> None:
    folder.mkdir(parents=True)
    for name, pairs in [
        ("train.txt.npy", train),
        ("test.txt.npy", test),
        ("test.neg.txt.npy", negatives),
    ]:
        np.save(folder / name, pairs)


def test_uint64_id_beyond_int64_rejected(tmp_path):
    # 2^63 + 5 would wrap around to a negative int64 id.
    train = np.array([[0, 2**63 + 5]], dtype=np.uint64)
    write_split(tmp_path / "ppi", train, np.array([[0, 1]]), np.array([[0, 2]]))
    with pytest.raises(ValueError, match="node id 9223372036854775813 exceeds"):
        load_asymproj("ppi", tmp_path)


def test_uint64_ids_within_int64_load(tmp_path):
    train = np.array([[0, 1], [1, 2]], dtype=np.uint64)
    write_split(tmp_path / "ppi", train, np.array([[2, 3]]), np.array([[0, 3]]))
    data = load_asymproj("ppi", tmp_path)
    assert data.num_nodes == 4
    assert data.train_pos_edge_index.tolist() == [[0, 1], [1, 2]]


def test_all_files_empty_rejected(tmp_path):
    empty = np.zeros((0, 2), dtype=np.int32)
    write_split(tmp_path / "ppi", empty, empty, empty)
    with pytest.raises(ValueError, match="has no node pairs"):
        load_asymproj("ppi", tmp_path)


def test_root_above_graphs_named(tmp_path):
    split = tmp_path / "graphs" / "asymproj" / "ppi"
    write_split(split, np.array([[0, 1]]), np.array([[1, 2]]), np.array([[0, 2]]))
    with pytest.raises(FileNotFoundError) as info:
        load_asymproj("ppi", tmp_path)
    message = str(info.value)
    assert (
        f"{tmp_path / 'graphs'} contains them, so pass that folder as root" in message
    )
    assert load_asymproj("ppi", tmp_path / "graphs").num_nodes == 3


def test_text_file_named_npy_rejected(tmp_path):
    split = tmp_path / "ppi"
    write_split(split, np.array([[0, 1]]), np.array([[1, 2]]), np.array([[0, 2]]))
    (split / "test.neg.txt.npy").write_text("0 2\n1 2\n")
    with pytest.raises(
        ValueError, match=r"test.neg.txt.npy: not a readable .npy array"
    ):
        load_asymproj("ppi", tmp_path)


def test_truncated_file_rejected(tmp_path):
    split = tmp_path / "ppi"
    write_split(
        split, np.array([[0, 1]]), np.array([[1, 2]]), np.array([[0, 2], [1, 2]])
    )
    path = split / "test.neg.txt.npy"
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(
        ValueError, match=r"test.neg.txt.npy: not a readable .npy array"
    ):
        load_asymproj("ppi", tmp_path)


def test_negative_id_names_row(tmp_path):
    test = np.array([[0, 1], [2, 3], [-4, 1], [1, -2]], dtype=np.int32)
    write_split(tmp_path / "ppi", np.array([[0, 1]]), test, np.array([[0, 2]]))
    with pytest.raises(ValueError) as error:
        load_asymproj("ppi", tmp_path)
    message = str(error.value)
    assert message.startswith(str(tmp_path / "ppi" / "test.txt.npy") + ": ")
    assert "row 2 (0-based), column 0 contains the negative node id -4" in message
    assert "(2 negative ids in all)" in message
    assert "dtype" not in message


def test_float_ids_name_dtype(tmp_path):
    train = np.array([[0.0, 1.0]])
    write_split(tmp_path / "ppi", train, np.array([[0, 1]]), np.array([[0, 2]]))
    with pytest.raises(ValueError, match="expected integer node ids, got dtype float64"):
        load_asymproj("ppi", tmp_path)
