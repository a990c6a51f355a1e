"""A missing value (nan) among integer ids is an error, not a node named "nan"."""

import pytest
from graphkit.datasets import MalformedLineError, load_edge_list


@pytest.mark.parametrize("missing", ["nan", "NaN", "<NA>", "None"])
def test_missing_value_among_integers(tmp_path, missing):
    edges = tmp_path / "edges.csv"
    edges.write_text(f"0,1\n1,{missing}\n2,0\n")
    with pytest.raises(MalformedLineError) as error:
        load_edge_list(edges)
    assert str(error.value) == (
        f"{edges}:2: node id {missing!r} is a missing value among integer ids. Drop "
        "the lines with a missing id before writing the file (df.dropna() in "
        f"pandas); line content: '1,{missing}'"
    )


def test_na_among_string_ids_is_a_name(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("NA,US\nUS,FR\n")  # NA is Namibia's country code
    assert load_edge_list(edges).node_names == ["NA", "US", "FR"]


def test_only_missing_words_load_as_names(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("none,null\n")
    assert load_edge_list(edges).node_names == ["none", "null"]


def test_missing_value_label_id(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("0,1\n1,2\n")
    labels = tmp_path / "labels.csv"
    labels.write_text("0,a\n1,b\n2,a\nnan,b\n")
    with pytest.raises(MalformedLineError, match=r"labels.csv:4: node id 'nan' is a"):
        load_edge_list(edges, labels=labels)


def test_na_label_id_among_string_edges(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("NA,US\n")
    labels = tmp_path / "labels.csv"
    labels.write_text("NA,africa\nUS,america\n")
    assert load_edge_list(edges, labels=labels).y.tolist() == [0, 1]
