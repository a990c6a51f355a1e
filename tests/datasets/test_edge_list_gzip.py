"""Gzip-compressed edge, feature and label files load like the plain files."""

import gzip

import pytest
import torch
from graphkit.datasets import DatasetFormatError, load_edge_list
from graphkit.datasets.edge_table import read_edge_table

EDGES = "# comment\nsrc\tdst\n0\t1\n1\t2\n\n2\t0\n2\t3\n"
STRING_EDGES = "a,b\nb,c\nc,a\nc,d\n"
LABELS = "id,label\n0,0\n1,0\n2,1\n3,1\n"
FEATURES = "0 1.0 2.0\n1 3.0 4.0\n2 5.0 6.0\n3 7.0 8.0\n"


def write(folder, name, text, compress):
    path = folder / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def load(folder, compress, edges=EDGES, labels=LABELS, suffix=".gz"):
    return load_edge_list(
        write(folder, f"edges{compress}.txt{suffix if compress else ''}", edges, compress),
        features=write(folder, f"x{compress}.txt{suffix if compress else ''}", FEATURES, compress),
        labels=write(folder, f"y{compress}.csv{suffix if compress else ''}", labels, compress),
    )


@pytest.mark.parametrize("suffix", [".gz", ""])  # found by content, not by name
def test_gzip_files_equal_plain_files(tmp_path, suffix):
    plain = load(tmp_path, False)
    packed = load(tmp_path, True, suffix=suffix)
    assert packed.edge_index.tolist() == plain.edge_index.tolist()
    assert plain.edge_index.tolist() == [
        [0, 0, 1, 1, 2, 2, 2, 3],
        [1, 2, 0, 2, 0, 1, 3, 2],
    ]
    assert torch.equal(packed.x, plain.x)
    assert packed.y.tolist() == plain.y.tolist() == [0, 0, 1, 1]


def test_gzip_integer_edges_read_in_bulk(tmp_path):
    path = write(tmp_path, "edges.txt.gz", EDGES, True)
    table = read_edge_table(path, None, "auto")
    assert table.line_numbers is None  # pandas parsed it
    assert table.ends.tolist() == [[0, 1], [1, 2], [2, 0], [2, 3]]


def test_gzip_string_ids(tmp_path):
    edges = write(tmp_path, "edges.csv.gz", STRING_EDGES, True)
    labels = write(tmp_path, "labels.csv.gz", "a,x\nb,x\nc,y\nd,y\n", True)
    data = load_edge_list(edges, labels=labels)
    assert data.node_names == ["a", "b", "c", "d"]
    assert data.y.tolist() == [0, 0, 1, 1]


def test_damaged_gzip_names_the_file(tmp_path):
    path = tmp_path / "edges.txt.gz"
    text = "".join(f"{i} {i * 7919 % 100003}\n" for i in range(5000))
    packed = gzip.compress(text.encode())
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DatasetFormatError, match="edges.txt.gz: the gzip data is damaged"):
        load_edge_list(path)


def test_analyze_names_gzip_graph_by_stem(tmp_path, capsys):
    from graphkit.launch.cli import run

    edges = write(tmp_path, "cites.txt.gz", EDGES, True)
    labels = write(tmp_path, "labels.csv", LABELS, False)
    assert run(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[2].split()[0] == "cites"
