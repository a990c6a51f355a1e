"""A label or edge-list file that is not UTF-8 gets an error naming its line."""

import gzip

import pytest
from graphkit.datasets import DatasetFormatError, load_edge_list

MESSAGE_END = (
    "not UTF-8 text (invalid byte 0xfc). Save the file as UTF-8 text, or check that "
    "it is the right file"
)


def test_latin1_label_line_named(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    labels = tmp_path / "labels.txt"
    labels.write_bytes(b"0 a\r\n1 b\r\n2 M\xfcnchen\r\n")
    with pytest.raises(DatasetFormatError) as error:
        load_edge_list(edges, labels=labels)
    assert str(error.value) == f"{labels}:3: {MESSAGE_END}"


def test_latin1_gzip_edge_line_named(tmp_path):
    edges = tmp_path / "edges.txt.gz"
    edges.write_bytes(gzip.compress(b"a b\n\nb c\rc M\xfcnchen\n"))
    with pytest.raises(DatasetFormatError) as error:
        load_edge_list(edges)
    assert str(error.value) == f"{edges}:4: {MESSAGE_END}"
