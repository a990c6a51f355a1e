"""Test loading transductive train/valid/test splits, including CoDEx-Small counts.

Load errors must name the file and line.
"""

import shutil

import pytest

from graphkit.kg import KGFormatError, Ultra, evaluate, load_dataset


@pytest.mark.realdata
def test_codex_small_counts(shared_data):
    """Match the CoDEx-S row of the README of github.com/tsafavi/codex.

    It lists 2,034 entities, 42 relations and 32,888 / 1,827 / 1,828 train, valid
    and test triples.
    """
    split = load_dataset(shared_data / "kg", "codex-s")
    graph = split.test.graph
    assert graph.num_entities == 2034
    assert graph.num_relations == 42
    assert graph.num_facts == 32_888
    assert split.train.queries.size(0) == 1_827
    assert split.test.queries.size(0) == 1_828
    # The filter set is train + valid + test, and both query files share it.
    assert split.test.filter_triples.size(0) == 32_888 + 1_827 + 1_828
    assert split.train.graph is graph
    # The first line of test.txt is "Q206832 P27 Q142".
    head, relation, tail = split.test.queries[0].tolist()
    assert graph.entity_names[head] == "Q206832"
    assert graph.relation_names[relation] == "P27"
    assert graph.entity_names[tail] == "Q142"


def write_split(folder, train, valid, test):
    folder.mkdir(parents=True)
    for name, rows in (("train", train), ("valid", valid), ("test", test)):
        (folder / f"{name}.txt").write_text("".join(f"{row}\n" for row in rows))


TRAIN = ["a\tr\tb", "b\tr\tc", "c\ts\ta"]


def test_transductive_toy_split(tmp_path):
    write_split(tmp_path / "toy", TRAIN, ["a\ts\tc"], ["b\ts\ta"])
    split = load_dataset(tmp_path, "toy")
    assert split.test.graph.entity_names == ["a", "b", "c"]
    assert split.test.queries.tolist() == [[1, 1, 0]]
    assert split.train.queries.tolist() == [[0, 1, 2]]
    assert split.test.filter_triples.size(0) == 5


def test_transductive_unseen_entity_kept(tmp_path, caplog):
    # WN18RR and FB15k-237 test files name entities absent from train.txt. The
    # standard protocol ranks them instead of failing.
    write_split(tmp_path / "toy", TRAIN, ["a\ts\tc"], ["b\ts\ta", "a\tr\tzz"])
    split = load_dataset(tmp_path, "toy")
    graph = split.test.graph
    assert graph.entity_names == ["a", "b", "c", "zz"]
    assert graph.num_facts == 3
    assert split.test.queries.tolist() == [[1, 1, 0], [0, 0, 3]]
    assert (
        "test.txt: 1 of 2 rows name an entity or relation without facts" in caplog.text
    )
    assert "(first: line 2, entity 'zz')" in caplog.text
    model = Ultra(dim=4, num_layers=1)
    metrics = evaluate(model, split.test)
    assert metrics["num_ranks"] == 4


def test_transductive_missing_file_lists_folder(tmp_path):
    write_split(tmp_path / "toy", TRAIN, ["a\ts\tc"], ["b\ts\ta"])
    (tmp_path / "toy" / "valid.txt").unlink()
    with pytest.raises(KGFormatError, match=r"missing \['valid\.txt'\]") as error:
        load_dataset(tmp_path, "toy")
    assert "'test.txt', 'train.txt'" in str(error.value)


def test_transductive_bad_row_names_line(tmp_path):
    write_split(tmp_path / "toy", TRAIN, ["a\ts\tc"], ["b\ts\ta", "b\ts"])
    with pytest.raises(KGFormatError, match=r"toy/test\.txt:2: expected 3"):
        load_dataset(tmp_path, "toy")


@pytest.mark.realdata
def test_codex_copy_with_extra_column(shared_data, tmp_path):
    folder = tmp_path / "codex-s"
    shutil.copytree(shared_data / "kg" / "codex-s", folder)
    lines = (folder / "valid.txt").read_text().splitlines()
    lines[4] += "\textra"
    (folder / "valid.txt").chmod(0o644)
    (folder / "valid.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(KGFormatError, match=r"codex-s/valid\.txt:5: expected 3"):
        load_dataset(tmp_path, "codex-s")


@pytest.mark.realdata
def test_ultra_3g_zero_shot_codex_small(shared_data):
    # The model card of mgalkin/ultra_3g gives MRR 0.472035 and Hits@10 0.66849 for
    # these weights on this test split. The test takes about 2 CPU minutes.
    model = Ultra.from_pretrained(shared_data / "ultra" / "ultra_3g.pth")
    split = load_dataset(shared_data / "kg", "codex-s")
    metrics = evaluate(model, split.test, batch_size=32)
    assert metrics["num_ranks"] == 3_656
    assert abs(metrics["mrr"] - 0.472) <= 0.005, metrics
    assert abs(metrics["hits@10"] - 0.668) <= 0.005, metrics
