"""bzip2 and xz files get an error that names the format and the fix."""

import bz2
import lzma

import pytest
from graphkit.datasets import DatasetFormatError, load_edge_list

from graphkit.kg import KGFormatError, load_graph


@pytest.mark.parametrize(
    ("compress", "name", "command"),
    [(bz2.compress, "bzip2", "bunzip2 -k"), (lzma.compress, "xz", "unxz -k")],
)
def test_compressed_edge_list_named(tmp_path, compress, name, command):
    edges = tmp_path / "edges.txt.x"
    edges.write_bytes(compress(b"0 1\n1 2\n"))
    with pytest.raises(DatasetFormatError) as error:
        load_edge_list(edges)
    assert str(error.value) == (
        f"{edges}: {name}-compressed data, which graphkit does not decompress (it "
        f"reads plain text and gzip only). Decompress it first ({command} FILE), or "
        "compress it with gzip instead"
    )


def test_compressed_triples_named(tmp_path):
    triples = tmp_path / "train.txt"
    triples.write_bytes(bz2.compress(b"a\tr\tb\n"))
    with pytest.raises(KGFormatError, match="train.txt: bzip2-compressed data"):
        load_graph(triples)


def test_text_starting_like_bzip2_loads(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("BZh91 x\nx y\n")
    assert load_edge_list(edges).node_names == ["BZh91", "x", "y"]
