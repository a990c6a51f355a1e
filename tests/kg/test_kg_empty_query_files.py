"""Empty valid or test files load as empty query sets, but an empty train file fails."""

import pytest
import torch

from graphkit.kg import KGFormatError, Ultra, evaluate, load_dataset, read_triples


def write_rows(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(row) + "\n" for row in rows))


FACTS = [("a", "r", "b"), ("b", "s", "c"), ("c", "r", "a")]


def test_read_triples_allow_empty(tmp_path):
    path = tmp_path / "valid.txt"
    path.write_text("\n  \n")
    named = read_triples(path, allow_empty=True)
    assert named.rows == []
    assert named.lines == []
    with pytest.raises(KGFormatError, match="file contains no triples"):
        read_triples(path)


def test_transductive_empty_valid_evaluates_test(tmp_path):
    write_rows(tmp_path / "toy" / "train.txt", FACTS)
    (tmp_path / "toy" / "valid.txt").write_text("")
    write_rows(tmp_path / "toy" / "test.txt", [("a", "s", "c")])
    split = load_dataset(tmp_path, "toy")
    assert split.train.queries.shape == (0, 3)
    assert split.test.queries.tolist() == [[0, 1, 2]]
    torch.manual_seed(0)
    metrics = evaluate(Ultra(dim=4, num_layers=1), split.test)
    assert metrics["num_ranks"] == 2
    with pytest.raises(ValueError, match="cannot evaluate toy/valid: it has no query"):
        evaluate(Ultra(dim=4, num_layers=1), split.train)


def test_transductive_empty_train_rejected(tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "train.txt").write_text("")
    write_rows(tmp_path / "toy" / "valid.txt", FACTS)
    write_rows(tmp_path / "toy" / "test.txt", FACTS)
    with pytest.raises(KGFormatError, match=r"train\.txt: file contains no triples"):
        load_dataset(tmp_path, "toy")


def test_grail_empty_valid_files(tmp_path):
    write_rows(tmp_path / "toy_v1" / "train.txt", FACTS)
    (tmp_path / "toy_v1" / "valid.txt").write_text("")
    write_rows(
        tmp_path / "toy_v1_ind" / "train.txt", [("x", "r", "y"), ("y", "s", "z")]
    )
    (tmp_path / "toy_v1_ind" / "valid.txt").write_text("\n")
    write_rows(tmp_path / "toy_v1_ind" / "test.txt", [("x", "s", "z")])
    split = load_dataset(tmp_path, "toy_v1")
    assert split.train.queries.shape == (0, 3)
    assert split.train.graph.relation_names == ["r", "s"]
    assert split.test.queries.tolist() == [[0, 1, 2]]
    assert split.test.filter_triples.size(0) == 3
