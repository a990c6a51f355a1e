"""Knowledge-graph container and loaders: ids, inverse edges, formats and errors."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.kg import (
    KGFormatError,
    KnowledgeGraph,
    encode_file,
    load_graph,
    read_triples,
)
from graphkit.kg.io import load_dataset


def write(path, text):
    path.write_text(text)
    return path


def test_graph_adds_inverse_edges():
    kg = KnowledgeGraph.from_named_triples([("a", "likes", "b"), ("b", "knows", "c")])
    assert kg.entity_names == ["a", "b", "c"]
    assert kg.relation_names == ["likes", "knows"]
    assert kg.edge_index.tolist() == [[0, 1, 1, 2], [1, 2, 0, 1]]
    assert kg.edge_type.tolist() == [0, 1, 2, 3]  # inverse of r is r + R
    assert kg.entity_id("c") == 2
    assert kg.relation_id("knows") == 1


def test_tsv_and_csv_give_same_graph(tmp_path):
    tsv = write(
        tmp_path / "g.tsv", "Paris\tcapital_of\tFrance\n\nLyon\tcity_in\tFrance\n"
    )
    csv = write(
        tmp_path / "g.csv",
        'head,relation,tail\nParis,capital_of,France\n"Lyon",city_in,France\n',
    )
    spaces = write(
        tmp_path / "g.txt", "Paris capital_of  France\nLyon city_in France\n"
    )
    a, b, c = load_graph(tsv), load_graph(csv, header=True), load_graph(spaces)
    for other in (b, c):
        assert other.entity_names == a.entity_names
        assert other.relation_names == a.relation_names
        assert torch.equal(other.triples, a.triples)


def test_wrong_column_count_names_file_and_line(tmp_path):
    path = write(tmp_path / "bad.tsv", "a\tr\tb\n\nc\tr\n")
    with pytest.raises(
        KGFormatError, match=r"bad\.tsv:3: expected 3 non-empty columns"
    ):
        read_triples(path)


def test_openke_count_line_named(tmp_path):
    # OpenKE's train2id.txt starts with the triple count, and its rows are
    # head, tail, relation.
    path = write(tmp_path / "train2id.txt", "2\n0 1 0\n1 2 0\n")
    with pytest.raises(KGFormatError) as caught:
        read_triples(path)
    message = str(caught.value)
    assert "train2id.txt:1: expected 3 non-empty columns" in message
    assert "the triple count of an OpenKE file" in message
    assert "whose columns are head, tail, relation" in message


@pytest.mark.parametrize("text", ["a\tr\tb\n7\n", "x\na\tr\tb\n"])
def test_other_short_rows_get_no_openke_hint(tmp_path, text):
    path = write(tmp_path / "bad.tsv", text)
    with pytest.raises(KGFormatError) as caught:
        read_triples(path)
    assert "OpenKE" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # csv.reader would join the two lines into one row, and number "d,r,e" as
        # line 2.
        ('"a\nb",r,c\nd,r,e\n', 1),
        # On the last line, csv.reader would end the open field at the end of input,
        # and the error would blame the column count of the single field 'd,r,e'.
        ('a,r,c\n"d,r,e\n', 2),
    ],
)
def test_csv_quote_across_lines_rejected(tmp_path, text, line):
    path = write(tmp_path / "quoted.csv", text)
    with pytest.raises(KGFormatError) as caught:
        read_triples(path)
    assert str(caught.value) == (
        f"{path}:{line}: a quoted field opens on this line and does not close on it. "
        "Add the closing quote, because names cannot contain line breaks"
    )


def test_csv_quoted_commas_kept(tmp_path):
    path = write(tmp_path / "commas.csv", '"Paris, France",r,c\nd,"r,2",e\n')
    triples = read_triples(path)
    assert triples.rows == [("Paris, France", "r", "c"), ("d", "r,2", "e")]
    assert triples.lines == [1, 2]


def test_csv_oversized_field_names_line(tmp_path):
    path = write(tmp_path / "big.csv", "a,r,c\na,r," + "x" * 200_000 + "\n")
    with pytest.raises(KGFormatError, match=r"big\.csv:2: invalid CSV row \(field"):
        read_triples(path)


def test_empty_file_is_rejected(tmp_path):
    path = write(tmp_path / "empty.tsv", "\n\n")
    with pytest.raises(KGFormatError, match=r"empty\.tsv: file contains no triples"):
        read_triples(path)


def test_missing_file_is_rejected(tmp_path):
    with pytest.raises(KGFormatError, match="file not found"):
        read_triples(tmp_path / "nope.tsv")


def test_query_with_unknown_entity_names_line(tmp_path):
    kg = load_graph(write(tmp_path / "g.tsv", "a\tr\tb\nb\tr\tc\n"))
    queries = write(tmp_path / "q.tsv", "a\tr\tc\nz\tr\ta\n")
    with pytest.raises(
        KGFormatError, match=r"q\.tsv:2: entity 'z' is not in the graph"
    ):
        encode_file(kg, queries)


def test_query_with_unknown_relation_names_line(tmp_path):
    kg = load_graph(write(tmp_path / "g.tsv", "a\tr\tb\n"))
    queries = write(tmp_path / "q.tsv", "a\ts\tb\n")
    with pytest.raises(
        KGFormatError, match=r"q\.tsv:1: relation 's' is not in the graph"
    ):
        encode_file(kg, queries)


def test_from_pyg_with_and_without_inverse():
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 2]]),
        edge_type=torch.tensor([1, 0]),
        num_nodes=3,
    )
    kg = KnowledgeGraph.from_pyg(data)
    assert kg.triples.tolist() == [[0, 1, 1], [1, 0, 2]]
    assert kg.num_relations == 2
    with_inverse = Data(
        edge_index=kg.edge_index, edge_type=kg.edge_type, num_nodes=3, num_relations=4
    )
    again = KnowledgeGraph.from_pyg(with_inverse, has_inverse=True)
    assert again.triples.tolist() == kg.triples.tolist()


def test_from_pyg_requires_edge_type():
    with pytest.raises(ValueError, match="data has no edge_type"):
        KnowledgeGraph.from_pyg(Data(edge_index=torch.tensor([[0], [1]]), num_nodes=2))


def test_from_pyg_without_edges():
    empty = Data(
        edge_index=torch.zeros(2, 0, dtype=torch.long),
        edge_type=torch.zeros(0, dtype=torch.long),
        num_nodes=3,
    )
    kg = KnowledgeGraph.from_pyg(empty)
    assert kg.num_facts == 0
    assert kg.num_entities == 3
    assert kg.num_relations == 0


def test_ids_out_of_range_are_rejected():
    with pytest.raises(ValueError, match=r"tail ids must lie in \[0, 2\)"):
        KnowledgeGraph(torch.tensor([[0, 0, 5]]), ["a", "b"], ["r"])


def write_lines(path, rows):
    path.write_text("".join("\t".join(row) + "\n" for row in rows))


def make_grail(root, name):
    (root / name).mkdir()
    (root / f"{name}_ind").mkdir()
    write_lines(root / name / "train.txt", [("a", "r1", "b"), ("b", "r2", "c")])
    write_lines(root / name / "valid.txt", [("a", "r3", "c")])
    write_lines(
        root / f"{name}_ind" / "train.txt", [("x", "r2", "y"), ("y", "r3", "z")]
    )
    write_lines(root / f"{name}_ind" / "valid.txt", [("x", "r3", "z")])
    write_lines(root / f"{name}_ind" / "test.txt", [("z", "r2", "x")])


def test_grail_layout(tmp_path):
    make_grail(tmp_path, "toy_v1")
    split = load_dataset(tmp_path, "toy_v1")
    assert split.train.graph.relation_names == ["r1", "r2", "r3"]
    assert split.test.graph.relation_names == ["r1", "r2", "r3"]
    assert split.test.graph.entity_names == ["x", "y", "z"]
    assert split.test.queries.tolist() == [
        [0, 2, 2],
        [2, 1, 0],
    ]  # valid_ind then test_ind
    assert split.test.filter_triples.size(0) == 4
    assert split.train.queries.tolist() == [[0, 2, 2]]


def test_grail_query_entity_outside_inference_graph(tmp_path, caplog):
    # As in ULTRA's loader, q becomes an entity without facts, and a warning names it.
    make_grail(tmp_path, "toy_v1")
    (tmp_path / "toy_v1_ind" / "test.txt").write_text("z\tr2\tx\nq\tr2\tx\n")
    split = load_dataset(tmp_path, "toy_v1")
    assert split.test.graph.entity_names == ["x", "y", "z", "q"]
    assert split.test.queries.tolist()[1:] == [[2, 1, 0], [3, 1, 0]]
    assert "toy_v1_ind/test.txt: 1 of 2 rows" in caplog.text
    assert "(first: line 2, entity 'q')" in caplog.text


@pytest.mark.realdata
def test_grail_fb237_v1_counts(shared_data):
    split = load_dataset(shared_data / "kg", "fb237_v1")
    assert split.test.graph.num_facts == 1993
    assert split.test.graph.num_entities == 1093
    assert split.test.graph.num_relations == 180
    assert split.test.queries.size(0) == 411
    assert split.train.graph.num_facts == 4245
    relation_graph = split.test.graph.relation_graph
    assert relation_graph.num_nodes == 360
    assert relation_graph.edge_index.size(1) == 11368


@pytest.mark.realdata
def test_grail_names_in_both_graphs_kept_apart(shared_data):
    # 8 entity names of WN18RR_v3 occur in both the training and the inference graph.
    # The inference graph numbers its entities afresh, as ULTRA's loader does, so such
    # an entity has only its inference facts there.
    root = shared_data / "kg"
    split = load_dataset(root, "WN18RR_v3")
    inference, training = split.test.graph, split.train.graph
    shared = sorted(set(inference.entity_names) & set(training.entity_names))
    assert len(shared) == 8
    assert inference.num_entities == 5084
    assert training.num_entities == 12078
    rows = (root / "WN18RR_v3_ind" / "train.txt").read_text().splitlines()
    name = shared[0]
    expected = sum(row.split("\t")[0::2].count(name) for row in rows)
    entity = inference.entity_names.index(name)
    triples = inference.triples
    degree = int((triples[:, 0] == entity).sum() + (triples[:, 2] == entity).sum())
    assert degree == expected
