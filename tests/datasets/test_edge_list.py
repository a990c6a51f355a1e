"""The generic edge-list format: id mapping, header detection, features, labels, errors."""

from __future__ import annotations

import pytest
import torch
from graphkit.datasets import (
    MalformedLineError,
    ShapeMismatchError,
    UnknownNodeIdError,
    load_dataset,
    load_edge_list,
)
from graphkit.datasets.edge_table import read_edge_table


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_string_ids_first_appearance(tmp_path):
    path = write(tmp_path, "edges.csv", "source,target\nbob,alice\nalice,carol\n")
    data = load_edge_list(path)
    assert data.node_names == ["bob", "alice", "carol"]
    assert data.edge_index.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert data.x is None
    assert data.y is None


def test_integer_ids_sorted(tmp_path):
    path = write(tmp_path, "edges.tsv", "# a comment\n30\t10\n\n10\t20\n")
    data = load_edge_list(path, undirected=False)
    assert data.node_names.tolist() == [10, 20, 30]
    assert data.edge_index.tolist() == [[0, 2], [1, 0]]


def test_whitespace_and_weights(tmp_path):
    path = write(tmp_path, "edges.txt", "1 2 0.5\n2 3 2.0\n")
    data = load_edge_list(path)
    assert data.edge_index.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert data.edge_weight.tolist() == [0.5, 0.5, 2.0, 2.0]


def test_explicit_header_with_string_ids(tmp_path):
    path = write(tmp_path, "edges.csv", "a,b\nx,y\n")
    assert load_edge_list(path, header=True).node_names == ["x", "y"]
    assert load_edge_list(path, header=False).node_names == ["a", "b", "x", "y"]


def test_auto_header_is_logged(tmp_path, caplog):
    # "y" is also a usual label column name, so header="auto" skips the first line.
    path = write(tmp_path, "edges.txt", "x y\ny z\nz x\n")
    with caplog.at_level("INFO", logger="graphkit.datasets.text_table"):
        data = load_edge_list(path)
    assert data.node_names == ["y", "z", "x"]
    assert f"{path}:1: skipping 'x y' as a column header" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="graphkit.datasets.text_table"):
        data = load_edge_list(path, header=False)
    assert data.node_names == ["x", "y", "z"]
    assert "column header" not in caplog.text


def test_features_define_node_order(tmp_path):
    edges = write(tmp_path, "edges.csv", "u,v\nc,a\n")
    features = write(tmp_path, "x.csv", "id,f0,f1\na,1,2\nb,3,4\nc,5,6\n")
    labels = write(tmp_path, "y.csv", "id,label\nc,dog\na,cat\nb,dog\n")
    data = load_edge_list(edges, features=features, labels=labels)
    assert data.node_names == ["a", "b", "c"]
    assert data.x.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert data.edge_index.tolist() == [[0, 2], [2, 0]]
    assert data.label_names == ["cat", "dog"]
    assert data.y.tolist() == [0, 1, 1]
    assert data.num_classes == 2


def test_label_only_nodes_and_masks(tmp_path):
    edges = write(tmp_path, "edges.csv", "0,1\n1,2\n")
    labels = write(tmp_path, "y.csv", "0,5\n1,7\n2,5\n9,7\n")
    data = load_edge_list(edges, labels=labels, train_fraction=0.5, val_fraction=0.25)
    assert data.node_names.tolist() == [0, 1, 2, 9]
    assert data.y.tolist() == [0, 1, 0, 1]
    assert int(data.train_mask.sum()) == 2
    assert int(data.val_mask.sum()) == 1
    assert int(data.test_mask.sum()) == 1
    together = data.train_mask.int() + data.val_mask.int() + data.test_mask.int()
    assert together.tolist() == [1, 1, 1, 1]


def test_unlabelled_nodes_outside_masks(tmp_path):
    edges = write(tmp_path, "edges.csv", "0,1\n1,2\n2,3\n")
    labels = write(tmp_path, "y.csv", "0,0\n1,1\n")
    data = load_edge_list(edges, labels=labels)
    assert data.y.tolist() == [0, 1, -1, -1]
    covered = data.train_mask | data.val_mask | data.test_mask
    assert covered.tolist() == [True, True, False, False]


def test_negative_label_is_unlabelled(tmp_path):
    edges = write(tmp_path, "edges.csv", "0,1\n1,2\n2,3\n")
    labels = write(tmp_path, "y.csv", "0,4\n1,-1\n2,7\n3,4\n")
    data = load_edge_list(edges, labels=labels)
    assert data.y.tolist() == [0, -1, 1, 0]
    assert data.label_names == [4, 7]
    assert data.num_classes == 2
    assert data.negative_label_mask.tolist() == [False, True, False, False]
    covered = data.train_mask | data.val_mask | data.test_mask
    assert not bool(covered[1])


def test_split_is_seeded(tmp_path):
    edges = write(tmp_path, "edges.csv", "".join(f"{i},{i + 1}\n" for i in range(50)))
    labels = write(tmp_path, "y.csv", "".join(f"{i},{i % 3}\n" for i in range(51)))
    first = load_edge_list(edges, labels=labels, seed=4)
    second = load_edge_list(edges, labels=labels, seed=4)
    other = load_edge_list(edges, labels=labels, seed=5)
    assert torch.equal(first.train_mask, second.train_mask)
    assert not torch.equal(first.train_mask, other.train_mask)


def test_load_dataset_with_path(tmp_path):
    path = write(tmp_path, "edges.csv", "0,1\n")
    assert load_dataset(str(path)).num_nodes == 2
    assert load_dataset("edge-list", root=tmp_path, path="edges.csv").num_nodes == 2


def test_load_dataset_passes_feature_file(tmp_path):
    edges = write(tmp_path, "edges.csv", "a,b\n")
    features = write(tmp_path, "x.csv", "a,1\nb,2\n")
    labels = write(tmp_path, "y.csv", "a,0\nb,1\n")
    data = load_dataset(str(edges), features=str(features), labels=labels, header=False)
    assert data.x.tolist() == [[1.0], [2.0]]
    assert data.num_classes == 2


def test_malformed_edge_line(tmp_path):
    path = write(tmp_path, "edges.csv", "0,1\n1,2,3,4\n")
    with pytest.raises(MalformedLineError) as info:
        load_edge_list(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2: expected 2 or 3 fields")
    assert "'1,2,3,4'" in message


def test_inconsistent_weight_column(tmp_path):
    path = write(tmp_path, "edges.csv", "0,1,1.0\n1,2\n")
    with pytest.raises(
        MalformedLineError, match=r"edges.csv:2: 2 fields, but line 1 has 3"
    ):
        load_edge_list(path)


def test_non_numeric_feature(tmp_path):
    edges = write(tmp_path, "edges.csv", "0,1\n")
    features = write(tmp_path, "x.csv", "0,1.5\n1,abc\n")
    with pytest.raises(
        MalformedLineError, match=r"x.csv:2: value 'abc' is not a number"
    ):
        load_edge_list(edges, features=features)


def test_repeated_feature_id(tmp_path):
    edges = write(tmp_path, "edges.csv", "0,1\n")
    features = write(tmp_path, "x.csv", "0,1\n1,2\n0,3\n")
    with pytest.raises(
        MalformedLineError, match=r"x.csv:3: node id '0' repeats .*line 1"
    ):
        load_edge_list(edges, features=features)


def test_edge_ids_missing_from_features(tmp_path):
    edges = write(tmp_path, "edges.csv", "a,b\nb,zed\nzed,q\n")
    features = write(tmp_path, "x.csv", "a,1\nb,2\n")
    with pytest.raises(UnknownNodeIdError) as info:
        load_edge_list(edges, features=features, header=False)
    message = str(info.value)
    assert "2 node id(s)" in message
    assert "'zed' (line 2)" in message
    assert "'q' (line 3)" in message
    assert info.value.missing == ["zed", "q"]


def test_integer_ids_missing_from_features(tmp_path):
    """The bulk reader finds the gap; the line reader then names the lines."""
    edges = write(
        tmp_path, "edges.tsv", "# header comment\nsrc\tdst\n0\t1\n1\t5\n9\t0\n"
    )
    features = write(tmp_path, "x.tsv", "0\t1.0\n1\t2.0\n")
    with pytest.raises(UnknownNodeIdError) as info:
        load_edge_list(edges, features=features)
    assert "'5' (line 4)" in str(info.value)
    assert "'9' (line 5)" in str(info.value)


@pytest.mark.parametrize("header", ["auto", True])
@pytest.mark.parametrize("separator", ["\t", ",", " "])
def test_bulk_reader_equals_line_reader(tmp_path, separator, header):
    generator = torch.Generator().manual_seed(0)
    ends = torch.randint(0, 50, (200, 2), generator=generator).tolist()
    lines = ["# made by a test", f"source{separator}target{separator}weight"]
    lines += [f"{u}{separator}{v}{separator}{(u + v) / 4}" for u, v in ends]
    lines.insert(7, "")
    path = write(tmp_path, "edges.txt", "\n".join(lines) + "\n")
    bulk = read_edge_table(path, None, header)
    by_line = read_edge_table(path, None, header, bulk=False)
    assert bulk.line_numbers is None
    assert bulk.ends.tolist() == ends
    assert by_line.ends.tolist() == ends
    assert bulk.weights.tolist() == by_line.weights.tolist()


def test_feature_label_count_mismatch(tmp_path):
    edges = write(tmp_path, "edges.csv", "0,1\n")
    features = write(tmp_path, "x.csv", "0,1,1\n1,2,2\n2,3,3\n")
    labels = write(tmp_path, "y.csv", "0,1\n1,0\n")
    with pytest.raises(ShapeMismatchError) as info:
        load_edge_list(edges, features=features, labels=labels)
    message = str(info.value)
    assert "(3, 2)" in message
    assert "(2,)" in message


def test_label_id_missing_from_features(tmp_path):
    edges = write(tmp_path, "edges.csv", "0,1\n")
    features = write(tmp_path, "x.csv", "0,1\n1,2\n")
    labels = write(tmp_path, "y.csv", "0,1\n7,0\n")
    with pytest.raises(UnknownNodeIdError, match=r"'7' \(line 2\)"):
        load_edge_list(edges, features=features, labels=labels)


def test_missing_edge_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="edge list file not found"):
        load_edge_list(tmp_path / "nope.csv")


def test_repeated_pair_weight_is_mean(tmp_path):
    # Undirected: the pair (1, 2) is given as 1->2 (weights 1 and 3) and 2->1 (weight 8).
    path = write(tmp_path, "edges.txt", "1 2 1.0\n1 2 3.0\n2 1 8.0\n")
    data = load_edge_list(path)
    assert data.edge_index.tolist() == [[0, 1], [1, 0]]
    assert data.edge_weight.tolist() == [4.0, 4.0]


def test_directed_repeated_edge_weight_is_mean(tmp_path):
    path = write(tmp_path, "edges.txt", "1 2 1.0\n1 2 3.0\n2 1 8.0\n")
    data = load_edge_list(path, undirected=False)
    assert data.edge_index.tolist() == [[0, 1], [1, 0]]
    assert data.edge_weight.tolist() == [2.0, 8.0]


def test_unsorted_integer_feature_ids_map_edges(tmp_path):
    # Node order follows the feature file (30, 10, 20), not the sorted ids.
    edges = write(tmp_path, "edges.csv", "10,20\n")
    features = write(tmp_path, "x.csv", "30,1\n10,2\n20,3\n")
    data = load_edge_list(edges, features=features, undirected=False)
    assert data.node_names.tolist() == [30, 10, 20]
    assert data.edge_index.tolist() == [[1], [2]]


def test_integer_sources_string_targets(tmp_path):
    # One text id makes every id a string, in order of first appearance.
    path = write(tmp_path, "edges.csv", "1,2\n2,bob\n")
    data = load_edge_list(path, undirected=False)
    assert data.node_names == ["1", "2", "bob"]
    assert data.edge_index.tolist() == [[0, 1], [1, 2]]


def test_capitalised_header_over_string_ids(tmp_path):
    # No column is numeric, so only the header words mark the first line as a header,
    # and they must match in any case.
    path = write(tmp_path, "edges.csv", "Source,Target\nalice,bob\n")
    data = load_edge_list(path, undirected=False)
    assert data.node_names == ["alice", "bob"]
    assert data.edge_index.tolist() == [[0], [1]]


def test_load_dataset_to_undirected_averages_weights(tmp_path):
    # Read as directed (1 -> 2 weight 1, 2 -> 1 weight 3), then made undirected:
    # each direction gets the mean weight 2.
    path = write(tmp_path, "edges.txt", "1 2 1.0\n2 1 3.0\n")
    data = load_dataset(str(path), undirected=False, to_undirected=True)
    assert data.edge_index.tolist() == [[0, 1], [1, 0]]
    assert data.edge_weight.tolist() == [2.0, 2.0]
