"""Ids written as floats in one file and as integers in another get a hint."""

import numpy as np
import pytest
from graphkit.datasets import UnknownNodeIdError, load_edge_list


def test_savetxt_feature_ids_named(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    features = tmp_path / "x.txt"
    np.savetxt(features, np.array([[0, 0.5], [1, 2.0]]))
    with pytest.raises(UnknownNodeIdError) as error:
        load_edge_list(edges, features=features)
    assert str(error.value) == (
        f"{edges}: 2 node id(s) in the edge list are missing from the feature file "
        f"{features}: '0' (line 1), '1' (line 1); add a feature row for each node of "
        "the graph. Node '0' is written '0.000000000000000000e+00' in the feature "
        f"file {features}, which is another id because ids are compared as written. "
        "Write the ids the same way in every file, such as with fmt='%d' for the id "
        "column in np.savetxt"
    )


def test_float_label_ids_named(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("a b\n")
    features = tmp_path / "x.txt"
    features.write_text("1 0.5\n2 0.5\na 1\nb 1\n")
    labels = tmp_path / "y.txt"
    labels.write_text("1.0 0\n2.0 1\na 0\nb 1\n")
    with pytest.raises(UnknownNodeIdError) as error:
        load_edge_list(edges, features=features, labels=labels)
    assert str(error.value).endswith(
        ": 2 labelled node id(s) are not nodes of the graph: '1.0' (line 1), "
        "'2.0' (line 2). Node '1.0' is written '1' in the feature file, which is "
        "another id because ids are compared as written. Write the ids the same way "
        "in every file, such as with fmt='%d' for the id column in np.savetxt"
    )


def test_unrelated_missing_id_no_hint(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 7\n")
    features = tmp_path / "x.txt"
    features.write_text("0 0.5\n1 0.5\n")
    with pytest.raises(UnknownNodeIdError) as error:
        load_edge_list(edges, features=features)
    assert str(error.value).endswith("add a feature row for each node of the graph")
