"""CSV files with double-quoted fields, as R's write.csv writes them, load unquoted."""

import pytest
from graphkit.datasets import load_edge_list
from graphkit.launch.cli import run

PLAIN_EDGES = "from,to\nalice,bob\nbob,carol\ncarol,alice\ncarol,dave\n"
PLAIN_LABELS = "node,group\nalice,A\nbob,A\ncarol,B\ndave,B\n"


def quoted(text: str) -> str:
    return "\n".join(
        ",".join(f'"{field}"' for field in line.split(",")) for line in text.splitlines()
    ) + "\n"


def write(folder, name, content):
    path = folder / name
    path.write_text(content)
    return path


def test_quoted_csv_equals_plain(tmp_path):
    plain = load_edge_list(
        write(tmp_path, "e.csv", PLAIN_EDGES), labels=write(tmp_path, "y.csv", PLAIN_LABELS)
    )
    quoted_data = load_edge_list(
        write(tmp_path, "eq.csv", quoted(PLAIN_EDGES)),
        labels=write(tmp_path, "yq.csv", quoted(PLAIN_LABELS)),
    )
    assert plain.node_names == ["alice", "bob", "carol", "dave"]
    assert quoted_data.node_names == plain.node_names
    assert quoted_data.label_names == ["A", "B"]
    assert plain.y.tolist() == [0, 0, 1, 1]
    assert quoted_data.y.tolist() == plain.y.tolist()
    assert quoted_data.edge_index.tolist() == plain.edge_index.tolist()


def test_quoted_field_with_delimiter_and_quote(tmp_path):
    edges = write(tmp_path, "e.csv", '"Smith, John","Doe, Jane"\n"Doe, Jane","say ""hi"""\n')
    assert load_edge_list(edges).node_names == ["Smith, John", "Doe, Jane", 'say "hi"']


def test_quoted_fields_on_whitespace(tmp_path):
    edges = write(tmp_path, "e.txt", '"a" "b"\n"b" c\n')
    assert load_edge_list(edges).node_names == ["a", "b", "c"]


def test_quoted_spaces_on_whitespace(tmp_path):
    edges = write(tmp_path, "e.txt", '"New York" Boston\nBoston\t"Los  Angeles"\n')
    labels = write(tmp_path, "y.txt", '"New York" "east coast"\nBoston "east coast"\n')
    data = load_edge_list(edges, labels=labels)
    assert data.node_names == ["New York", "Boston", "Los  Angeles"]
    assert data.label_names == ["east coast"]
    assert data.y.tolist() == [0, 0, -1]


def test_inner_quote_on_whitespace_kept(tmp_path):
    edges = write(tmp_path, "e.txt", 'x"y z"\n"a"b c\n')
    assert load_edge_list(edges).node_names == ['x"y', 'z"', '"a"b', "c"]


@pytest.mark.parametrize("text", ['"1","2"\n"2","3"\n', '"src","dst"\n1,2\n2,3\n'])
def test_quoted_integer_ids(tmp_path, text):
    data = load_edge_list(write(tmp_path, "e.csv", text))
    assert data.node_names.tolist() == [1, 2, 3]


def test_analyze_quoted_csv(tmp_path, capsys):
    edges = write(tmp_path, "e.csv", quoted(PLAIN_EDGES))
    labels = write(tmp_path, "y.csv", quoted(PLAIN_LABELS))
    assert run(["analyze", "--edge-list", str(edges), "--labels", str(labels)]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[:4] == ["e", "4", "4", "2"]
