"""A fact listed twice in a triple file counts once, and gzip triple files load."""

import gzip
import logging

import pytest
import torch

from graphkit.kg import KGFormatError, Ultra, load_dataset, load_graph

FACTS = [
    ("Paris", "capital_of", "France"),
    ("Berlin", "capital_of", "Germany"),
    ("Paris", "located_in", "France"),
    ("Lyon", "located_in", "France"),
    ("Munich", "located_in", "Germany"),
    ("France", "borders", "Germany"),
]


def write(path, rows, compress=False):
    text = "".join("\t".join(row) + "\n" for row in rows)
    path.write_bytes(gzip.compress(text.encode()) if compress else text.encode())
    return path


def test_repeated_rows_kept_once(tmp_path, caplog):
    path = write(tmp_path / "facts.tsv", FACTS + [FACTS[2], FACTS[3], FACTS[2]])
    with caplog.at_level(logging.WARNING, logger="graphkit.kg.io"):
        kg = load_graph(path)
    assert kg.num_facts == 6
    plain = load_graph(write(tmp_path / "plain.tsv", FACTS))
    assert kg.triples.tolist() == plain.triples.tolist()
    assert (
        "facts.tsv:7: the fact on this line repeats line 3. 3 repeated rows are"
        in caplog.text
    )


def test_repeated_rows_leave_scores_unchanged(tmp_path):
    plain = load_graph(write(tmp_path / "plain.tsv", FACTS))
    repeated = load_graph(write(tmp_path / "repeated.tsv", FACTS + FACTS[2:4]))
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2)
    queries = [("Lyon", "located_in", "France"), ("Munich", "capital_of", "Germany")]
    assert torch.equal(model.score(repeated, queries), model.score(plain, queries))


def test_transductive_train_repeats_dropped(tmp_path):
    folder = tmp_path / "geo"
    folder.mkdir()
    write(folder / "train.txt", FACTS + [FACTS[0]])
    write(folder / "valid.txt", [("Munich", "located_in", "Germany")])
    write(folder / "test.txt", [("Lyon", "located_in", "France")] * 2)
    split = load_dataset(tmp_path, "geo")
    assert split.train.graph.num_facts == 6
    assert split.test.queries.size(0) == 2  # repeated queries are still ranked


def test_grail_fact_files_repeats_dropped(tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy_ind").mkdir()
    write(tmp_path / "toy" / "train.txt", FACTS + FACTS[:2])
    write(tmp_path / "toy" / "valid.txt", [])
    write(tmp_path / "toy_ind" / "train.txt", FACTS[2:] + FACTS[2:3])
    write(tmp_path / "toy_ind" / "valid.txt", [])
    write(tmp_path / "toy_ind" / "test.txt", [("Lyon", "located_in", "France")])
    split = load_dataset(tmp_path, "toy")
    assert split.train.graph.num_facts == 6
    assert split.test.graph.num_facts == 4


@pytest.mark.parametrize("name", ["facts.tsv.gz", "facts.tsv"])
def test_gzip_triples_load(tmp_path, name):
    kg = load_graph(write(tmp_path / name, FACTS, compress=True))
    assert kg.num_facts == 6
    assert kg.entity_names[:2] == ["Paris", "France"]


def test_gzip_csv_uses_commas(tmp_path):
    path = tmp_path / "facts.csv.gz"
    path.write_bytes(
        gzip.compress(b"Paris,capital_of,France\nLyon,located_in,France\n")
    )
    assert load_graph(path).relation_names == ["capital_of", "located_in"]


def test_damaged_gzip_triples_named(tmp_path):
    path = tmp_path / "facts.tsv.gz"
    rows = [(f"e{i}", f"r{i % 7}", f"e{i * 31 % 997}") for i in range(3000)]
    packed = gzip.compress("".join("\t".join(r) + "\n" for r in rows).encode())
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(KGFormatError, match="facts.tsv.gz: the gzip data is damaged"):
        load_graph(path)


def test_one_repeated_row_singular(tmp_path, caplog):
    path = write(tmp_path / "facts.tsv", FACTS + [FACTS[2]])
    with caplog.at_level(logging.WARNING, logger="graphkit.kg.io"):
        load_graph(path)
    assert "1 repeated row is dropped" in caplog.text
