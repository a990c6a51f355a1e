"""Files written with their row index (pandas to_csv, R write.csv) are rejected.

The index column has no name in the header. A loader that skips the header would
read the index as the source ids, the sources as targets and the targets as weights.
"""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list

INDEX_MESSAGE = (
    r":1: the header gives no name to the first of the 3 columns of the next line, "
    r"as a file written with its row index .* \(index=False in pandas"
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("edges.csv", ",source,target\n0,0,1\n1,1,2\n2,2,0\n"),
        ("edges.tsv", "\tsource\ttarget\n0\t0\t1\n1\t1\t2\n2\t2\t0\n"),
        ("names.csv", ',source,target\n0,ann,bob\n1,bob,cy\n'),
        ("quoted.csv", '"","source","target"\n"1",0,1\n"2",1,2\n'),
    ],
)
def test_edge_list_with_index_rejected(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(MalformedLineError, match=name + INDEX_MESSAGE):
        load_edge_list(path)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("labels.csv", ",id,label\n0,0,a\n1,1,b\n2,2,a\n"),
        ("labels.tsv", "\tid\tlabel\n0\t0\ta\n1\t1\tb\n2\t2\ta\n"),
    ],
)
def test_label_file_with_index_rejected(tmp_path, name, text):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1\n1,2\n")
    labels = tmp_path / name
    labels.write_text(text)
    with pytest.raises(MalformedLineError, match=name + INDEX_MESSAGE):
        load_edge_list(edges, labels=labels)


def test_label_series_by_node_id_loads(tmp_path):
    # A pandas Series indexed by node id writes its ids as the unnamed first column.
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1\n1,2\n")
    labels = tmp_path / "labels.csv"
    labels.write_text(",label\n0,a\n1,b\n2,a\n")
    data = load_edge_list(edges, labels=labels)
    assert data.y.tolist() == [0, 1, 0]


def test_weight_header_still_loads(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,weight\n0,1,0.5\n1,2,1.0\n")
    data = load_edge_list(edges, undirected=False)
    assert data.edge_index.tolist() == [[0, 1], [1, 2]]
    assert data.edge_weight.tolist() == [0.5, 1.0]
