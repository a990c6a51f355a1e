"""Triple files may be pipes, such as the /dev/fd/N path of bash's <(zcat x.gz)."""

import os

import pytest

from graphkit.kg import KGFormatError, load_graph, read_triples


def pipe_path(text: str) -> tuple[str, int]:
    """Return a /dev/fd path whose reads give ``text``, and the descriptor to close."""
    read_end, write_end = os.pipe()
    os.write(write_end, text.encode())
    os.close(write_end)
    return f"/dev/fd/{read_end}", read_end


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="needs /dev/fd")
def test_read_triples_from_pipe():
    path, descriptor = pipe_path("a\tr\tb\nb\ts\tc\n")
    try:
        named = read_triples(path)
    finally:
        os.close(descriptor)
    assert named.rows == [("a", "r", "b"), ("b", "s", "c")]
    assert named.lines == [1, 2]


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="needs /dev/fd")
def test_load_graph_from_pipe():
    path, descriptor = pipe_path("a\tr\tb\nb\tr\tc\n")
    try:
        graph = load_graph(path)
    finally:
        os.close(descriptor)
    assert graph.entity_names == ["a", "b", "c"]
    assert graph.triples.tolist() == [[0, 0, 1], [1, 0, 2]]


def test_missing_file_still_not_found(tmp_path):
    with pytest.raises(KGFormatError, match="file not found"):
        read_triples(tmp_path / "missing.tsv")
