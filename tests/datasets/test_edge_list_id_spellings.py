"""Integer ids written in two ways (007 and 7) are one node, with a warning."""

import gzip
import logging
import re

import pytest
from graphkit.datasets import load_edge_list
from graphkit.datasets.errors import MalformedLineError
from graphkit.launch.cli import run

from graphkit.kg import load_graph

LOGGER = "graphkit.datasets.id_spellings"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


def spelling_warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_leading_zero_in_edges_warns(tmp_path, caplog):
    edges = write(tmp_path, "edges.csv", "007,1\n7,2\n1,2\n")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        data = load_edge_list(edges)
    assert data.node_names.tolist() == [1, 2, 7]
    (message,) = spelling_warnings(caplog)
    assert message.startswith(f"{edges}:2: node id '7' and '007' ({edges}:1) ")
    assert "are the same integer 7, so they are one node" in message


@pytest.mark.parametrize("spelling", ["+7", "07", "0007"])
def test_other_spellings_warn(tmp_path, caplog, spelling):
    edges = write(tmp_path, "edges.txt", f"1 7\n{spelling} 2\n")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        data = load_edge_list(edges)
    assert data.num_nodes == 3
    (message,) = spelling_warnings(caplog)
    assert message.startswith(f"{edges}:2: node id '{spelling}' and '7' ({edges}:1) ")


def test_spellings_across_files_warn(tmp_path, caplog):
    edges = write(tmp_path, "edges.csv", "7,1\n1,2\n")
    labels = write(tmp_path, "labels.csv", "007,0\n1,1\n2,0\n")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        data = load_edge_list(edges, labels=labels)
    assert data.num_nodes == 3
    assert data.y.tolist() == [1, 0, 0]
    (message,) = spelling_warnings(caplog)
    assert message.startswith(f"{labels}:1: node id '007' and '7' ({edges}:1) ")


def test_gzip_edges_warn(tmp_path, caplog):
    edges = tmp_path / "edges.csv.gz"
    edges.write_bytes(gzip.compress(b"src,dst\n007,1\n7,2\n"))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        load_edge_list(edges)
    (message,) = spelling_warnings(caplog)
    assert message.startswith(f"{edges}:3: node id '7' and '007' ({edges}:2) ")


def test_many_collisions_in_one_warning(tmp_path, caplog):
    lines = "".join(f"0{i},{i}\n" for i in range(1, 7))
    edges = write(tmp_path, "edges.csv", lines)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        load_edge_list(edges)
    (message,) = spelling_warnings(caplog)
    assert message.startswith(f"{edges}:1: node id '1' and '01' ({edges}:1) ")
    assert "Also '2' and '02', '3' and '03', '4' and '04' and 2 more." in message


@pytest.mark.parametrize(
    "content",
    [
        "001,002\n002,003\n",  # zero-padded throughout: one spelling per number
        "1,2,0.05\n2,3,-0.5\n3,1,1e-05\n",  # weights that start with 0 or -0
        "# version 01\n10,20\n20,100\n",  # a comment and ids with inner zeros
    ],
)
def test_one_spelling_per_number_silent(tmp_path, caplog, content):
    edges = write(tmp_path, "edges.csv", content)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        load_edge_list(edges)
    assert spelling_warnings(caplog) == []


def test_repeated_feature_row_names_spelling(tmp_path):
    edges = write(tmp_path, "edges.csv", "7,1\n")
    features = write(tmp_path, "features.csv", "007,0.5\n1,0.1\n7,0.2\n")
    message = (
        "node id '7' repeats (first given on line 1, written '007' there, the same "
        "integer)"
    )
    with pytest.raises(MalformedLineError, match=re.escape(message)):
        load_edge_list(edges, features=features)


def test_conflicting_labels_name_spelling(tmp_path):
    edges = write(tmp_path, "edges.csv", "7,1\n")
    labels = write(tmp_path, "labels.csv", "007,0\n1,1\n7,1\n")
    with pytest.raises(MalformedLineError, match="written '007' there, the same integer"):
        load_edge_list(edges, labels=labels)


def test_kg_names_stay_distinct(tmp_path):
    triples = write(tmp_path, "triples.tsv", "007\tr\t1\n7\tr\t2\n")
    graph = load_graph(triples)
    assert graph.num_entities == 4
    assert graph.entity_names == ["007", "1", "7", "2"]


def test_analyze_logs_spelling_warning(tmp_path, capfd):
    edges = write(tmp_path, "edges.csv", "007,1\n7,2\n1,2\n")
    labels = write(tmp_path, "labels.csv", "7,0\n1,1\n2,0\n")
    code = run(["analyze", "--edge-list", str(edges), "--labels", str(labels)])
    assert code == 0
    err = capfd.readouterr().err
    assert "node id '7' and '007'" in err


@pytest.mark.parametrize(
    "text, found",
    [
        ("+7 1\n", True),
        ("1 07\n", True),
        ("-07 1\n", True),
        ("-0 1\n", True),
        ("1,2,-0.5\n", False),
        ("1,2,0.05\n", False),
        ("1,2,1e-05\n", False),
        ("1,2,1e+05\n", False),
        ("10 100\n", False),
        ("a07 b0\n", False),
    ],
)
def test_unusual_integer_search(tmp_path, text, found):
    from graphkit.datasets.id_spellings import _may_contain_unusual_integer

    edges = write(tmp_path, "edges.txt", text)
    assert _may_contain_unusual_integer(edges) is found


def test_unusual_integer_across_chunks(tmp_path, monkeypatch):
    from graphkit.datasets import id_spellings

    # The 07 starts in the last character of the first 9-character chunk.
    edges = write(tmp_path, "edges.txt", "1 2\n3 4 07\n")
    monkeypatch.setattr(id_spellings, "_CHUNK_CHARACTERS", 9)
    assert id_spellings._may_contain_unusual_integer(edges) is True


def test_minus_zero_id_warns(tmp_path, caplog):
    edges = write(tmp_path, "edges.txt", "0 1\n-0 2\n")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        data = load_edge_list(edges)
    assert data.num_nodes == 3
    (message,) = spelling_warnings(caplog)
    assert message.startswith(f"{edges}:2: node id '-0' and '0' ({edges}:1) ")
