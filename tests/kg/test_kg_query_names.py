"""Query rows that name an entity or relation without facts load as in ULTRA's loaders.

ULTRA numbers every name of every file it reads, queries included, so such a name
becomes an entity or relation without facts and its queries are ranked. Each case is a
tiny folder whose ids can be checked by hand. Names are numbered by first appearance,
the head before the tail of each row.
"""

import logging

import pytest

from graphkit.kg import KGFormatError, Ultra, evaluate, load_dataset

TRAIN = ["a\tr\tb", "b\tr\tc", "c\ts\ta"]
GRAIL_TRAIN = ["a\tr\tb", "b\ts\tc", "c\tr\ta"]
INFERENCE = ["x\tr\ty", "y\tr\tz", "z\tr\tx"]


def write_files(folder, **files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (folder / f"{name}.txt").write_text("".join(f"{row}\n" for row in rows))


def write_grail(
    root, valid=("a\ts\tc",), ind_valid=("x\tr\tz",), ind_test=("y\tr\tx",)
):
    """Write the GraIL split ``g``: ``g/`` with relations r, s and ``g_ind/`` with
    facts of r only on the entities x, y, z."""
    write_files(root / "g", train=GRAIL_TRAIN, valid=valid, test=[])
    write_files(root / "g_ind", train=INFERENCE, valid=ind_valid, test=ind_test)


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def num_ranks(split):
    """Return how many ranks evaluate counts on split.train and on split.test."""
    model = Ultra(dim=4, num_layers=1)
    train_metrics = evaluate(model, split.train)
    test_metrics = evaluate(model, split.test)
    return train_metrics["num_ranks"], test_metrics["num_ranks"]


def test_transductive_relation_only_in_test(tmp_path, caplog):
    write_files(
        tmp_path / "toy", train=TRAIN, valid=["a\ts\tc"], test=["b\ts\ta", "a\tnew\tc"]
    )
    split = load_dataset(tmp_path, "toy")
    graph = split.test.graph
    assert graph.relation_names == ["r", "s", "new"]
    assert graph.num_relations == 3
    assert graph.triples.tolist() == [[0, 0, 1], [1, 0, 2], [2, 1, 0]]
    assert split.test.queries.tolist() == [[1, 1, 0], [0, 2, 2]]
    assert split.test.filter_triples.tolist()[3:] == [[0, 1, 2], [1, 1, 0], [0, 2, 2]]
    (message,) = warnings_of(caplog)
    test_file = tmp_path / "toy" / "test.txt"
    assert message.startswith(
        f"{test_file}: 1 of 2 rows name an entity or relation without facts in "
        f"{tmp_path / 'toy' / 'train.txt'} (first: line 2, relation 'new')."
    )
    assert "ranks are uninformed" in message
    assert num_ranks(split)[1] == 4


def test_transductive_relations_numbered_valid_first(tmp_path, caplog):
    write_files(
        tmp_path / "toy",
        train=TRAIN,
        valid=["a\tv\tc"],
        test=["b\ts\ta", "a\tnew\tc", "zz\tv\tb"],
    )
    split = load_dataset(tmp_path, "toy")
    graph = split.test.graph
    assert graph.relation_names == ["r", "s", "v", "new"]
    assert graph.entity_names == ["a", "b", "c", "zz"]
    assert graph.num_facts == 3
    assert split.train.queries.tolist() == [[0, 2, 2]]
    assert split.test.queries.tolist() == [[1, 1, 0], [0, 3, 2], [3, 2, 1]]
    valid_message, test_message = warnings_of(caplog)
    assert "valid.txt: 1 of 1 rows" in valid_message
    assert "(first: line 1, relation 'v')" in valid_message
    assert "test.txt: 2 of 3 rows" in test_message
    assert "(first: line 2, relation 'new')" in test_message
    assert num_ranks(split) == (2, 6)


def test_transductive_row_with_two_new_names(tmp_path, caplog):
    write_files(tmp_path / "toy", train=TRAIN, valid=["a\tr\tc"], test=["zz\tnew\tzz"])
    split = load_dataset(tmp_path, "toy")
    assert split.test.queries.tolist() == [[3, 2, 3]]
    (message,) = warnings_of(caplog)
    assert "(first: line 1, entity 'zz' and relation 'new')" in message


def test_grail_entity_only_in_ind_test(tmp_path, caplog):
    write_grail(tmp_path, ind_test=["y\tr\tw", "y\tr\tx"])
    split = load_dataset(tmp_path, "g")
    graph = split.test.graph
    assert graph.entity_names == ["x", "y", "z", "w"]
    assert graph.num_facts == 3
    assert split.test.queries.tolist() == [[0, 0, 2], [1, 0, 3], [1, 0, 0]]
    assert split.test.filter_triples.tolist()[3:] == split.test.queries.tolist()
    (message,) = warnings_of(caplog)
    assert message.startswith(
        f"{tmp_path / 'g_ind' / 'test.txt'}: 1 of 2 rows name an entity or relation "
        f"without facts in {tmp_path / 'g_ind' / 'train.txt'} (first: line 1, "
        "entity 'w')."
    )
    assert num_ranks(split)[1] == 6


def test_grail_entity_only_in_ind_valid(tmp_path, caplog):
    # w first appears in valid.txt, v in test.txt: ids follow the file order.
    write_grail(tmp_path, ind_valid=["w\tr\tx"], ind_test=["v\tr\tw"])
    split = load_dataset(tmp_path, "g")
    assert split.test.graph.entity_names == ["x", "y", "z", "w", "v"]
    assert split.test.queries.tolist() == [[3, 0, 0], [4, 0, 3]]
    valid_message, test_message = warnings_of(caplog)
    assert "g_ind/valid.txt: 1 of 1 rows" in valid_message
    assert "(first: line 1, entity 'w')" in valid_message
    assert "(first: line 1, entity 'v' and entity 'w')" in test_message
    assert num_ranks(split)[1] == 4


def test_grail_relation_absent_from_inference_graph(tmp_path, caplog):
    # s has facts in g/train.txt, but none in the inference graph.
    write_grail(tmp_path, ind_valid=["x\ts\tz"])
    split = load_dataset(tmp_path, "g")
    graph = split.test.graph
    assert graph.relation_names == ["r", "s"]
    assert split.test.queries.tolist() == [[0, 1, 2], [1, 0, 0]]
    (message,) = warnings_of(caplog)
    assert message.startswith(
        f"{tmp_path / 'g_ind' / 'valid.txt'}: 1 of 1 rows name an entity or relation "
        "without facts in"
    )
    assert "(first: line 1, relation 's')" in message
    assert num_ranks(split)[1] == 4


def test_grail_relation_only_in_test_files(tmp_path, caplog):
    # t occurs in no file of g/. Both graphs share one relation list, which ends
    # with the relations that only the test files name.
    write_grail(tmp_path, ind_valid=["x\tt\ty"], ind_test=["y\tu\tz", "z\tt\tx"])
    split = load_dataset(tmp_path, "g")
    assert split.test.graph.relation_names == ["r", "s", "t", "u"]
    assert split.train.graph.relation_names == ["r", "s", "t", "u"]
    assert split.test.queries.tolist() == [[0, 2, 1], [1, 3, 2], [2, 2, 0]]
    assert split.train.queries.tolist() == [[0, 1, 2]]
    valid_message, test_message = warnings_of(caplog)
    assert "(first: line 1, relation 't')" in valid_message
    assert "g_ind/test.txt: 2 of 2 rows" in test_message
    assert "(first: line 1, relation 'u')" in test_message
    assert num_ranks(split) == (2, 6)


def test_grail_validation_entity_absent_from_train(tmp_path, caplog):
    write_grail(tmp_path, valid=["a\ts\td"])
    split = load_dataset(tmp_path, "g")
    assert split.train.graph.entity_names == ["a", "b", "c", "d"]
    assert split.train.graph.num_facts == 3
    assert split.train.queries.tolist() == [[0, 1, 3]]
    (message,) = warnings_of(caplog)
    assert message.startswith(
        f"{tmp_path / 'g' / 'valid.txt'}: 1 of 1 rows name an entity or relation "
        f"without facts in {tmp_path / 'g' / 'train.txt'} (first: line 1, entity 'd')."
    )
    assert num_ranks(split)[0] == 2


def test_split_with_facts_for_every_name_logs_nothing(tmp_path, caplog):
    write_grail(tmp_path)
    write_files(tmp_path / "toy", train=TRAIN, valid=["a\ts\tc"], test=["b\tr\ta"])
    load_dataset(tmp_path, "g")
    load_dataset(tmp_path, "toy")
    assert warnings_of(caplog) == []


def test_malformed_query_row_still_rejected(tmp_path):
    write_grail(tmp_path, ind_test=["y\tr\tx", "y\tr"])
    with pytest.raises(KGFormatError, match=r"g_ind/test\.txt:2: expected 3"):
        load_dataset(tmp_path, "g")
