"""Integer ids beyond int64 (unsigned 64-bit hashes) load as string ids, unchanged."""

import torch

from graphkit.datasets import load_edge_list

U64_MAX = "18446744073709551615"
INT64_MAX_PLUS_1 = "9223372036854775808"


def test_unsigned_ids_keep_their_names(tmp_path):
    # pandas reads both columns as uint64, and a cast to int64 would wrap the two
    # large ids to -1 and -2**63.
    edges = tmp_path / "edges.txt"
    edges.write_text(f"{U64_MAX} 2\n2 {INT64_MAX_PLUS_1}\n")
    data = load_edge_list(edges)
    assert list(data.node_names) == [U64_MAX, "2", INT64_MAX_PLUS_1]
    expected = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    assert torch.equal(data.edge_index, expected)


def test_large_ids_with_labels(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text(f"{U64_MAX} 2\n2 {INT64_MAX_PLUS_1}\n")
    labels = tmp_path / "labels.txt"
    labels.write_text(f"{INT64_MAX_PLUS_1} 1\n2 0\n{U64_MAX} 1\n")
    data = load_edge_list(edges, labels=labels)
    assert list(data.node_names) == [U64_MAX, "2", INT64_MAX_PLUS_1]
    assert data.y.tolist() == [1, 0, 1]


def test_id_beyond_uint64_with_negative_ids(tmp_path):
    # pandas reads the id above 2**64 as text (object dtype), so the line reader
    # parses this file, negative id included.
    edges = tmp_path / "edges.txt"
    edges.write_text("1000000000000000 2\n2 18446744073709551616\n-5 2\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("1000000000000000 0\n2 1\n18446744073709551616 0\n-5 1\n")
    data = load_edge_list(edges, labels=labels)
    names = ["1000000000000000", "2", "18446744073709551616", "-5"]
    assert list(data.node_names) == names
    assert data.y.tolist() == [0, 1, 0, 1]
    assert data.edge_index.size(1) == 6


def test_small_edge_ids_with_large_label_id(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    labels = tmp_path / "labels.txt"
    labels.write_text(f"0 0\n1 1\n2 0\n{U64_MAX} 1\n")
    data = load_edge_list(edges, labels=labels)
    assert list(data.node_names) == ["0", "1", "2", U64_MAX]
    assert data.y.tolist() == [0, 1, 0, 1]
