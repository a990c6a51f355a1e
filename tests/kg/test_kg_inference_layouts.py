"""ILPC 2022 and InGram folders: the inference graph and its queries in one folder.

ILPC 2022 reads train.txt, inference.txt, inference_validation.txt and
inference_test.txt. InGram reads train.txt, msg.txt, valid.txt and test.txt. As in
ULTRA's loader of both (``InductiveDataset``), the training graph and the inference
graph number their names on their own, and both query files are ranked on the
inference graph. ULTRA's ``script/run.py`` filters both with the inference graph plus
the validation and test queries.
"""

import json
import logging

import pytest
import torch
from graphkit.launch.cli import main

from graphkit.kg import (
    KGFormatError,
    LinkPredictionSet,
    Ultra,
    evaluate,
    evaluate_ranks,
    list_datasets,
    load_dataset,
)
from graphkit.kg.graph_fingerprint import graph_fingerprint
from graphkit.kg.model import UltraNet

from .ultra_reference_layout import ranks_reference

TRAIN = ["a\tr\tb", "b\ts\tc", "c\tr\ta"]
# The inference graph names s before r, and w only in its last row.
INFERENCE = ["x\ts\ty", "y\tr\tz", "z\ts\tx", "w\tr\tx"]
VALID = ["y\ts\tw"]
TEST = ["x\tr\tz", "w\ts\ty"]

ILPC_FILES = ("train", "inference", "inference_validation", "inference_test")
INGRAM_FILES = ("train", "msg", "valid", "test")


def write_folder(
    folder, names, train=TRAIN, inference=INFERENCE, valid=VALID, test=TEST
):
    """Write the four files ``names`` (without .txt) of one dataset folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in zip(names, (train, inference, valid, test)):
        (folder / f"{name}.txt").write_text("".join(f"{row}\n" for row in rows))


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize("names", [ILPC_FILES, INGRAM_FILES], ids=["ilpc", "ingram"])
def test_layout_numbers_each_graph(tmp_path, names):
    write_folder(tmp_path / "toy", names)
    split = load_dataset(tmp_path, "toy")
    assert split.name == "toy"
    # The training graph: train.txt alone, and no queries of its own.
    assert split.train.graph.entity_names == ["a", "b", "c"]
    assert split.train.graph.relation_names == ["r", "s"]
    assert split.train.graph.triples.tolist() == [[0, 0, 1], [1, 1, 2], [2, 0, 0]]
    assert split.train.queries.shape == (0, 3)
    assert split.train.filter_triples.tolist() == split.train.graph.triples.tolist()
    # The inference graph numbers its own relations: s comes first there.
    inference = split.test.graph
    assert inference.entity_names == ["x", "y", "z", "w"]
    assert inference.relation_names == ["s", "r"]
    assert inference.triples.tolist() == [[0, 0, 1], [1, 1, 2], [2, 0, 0], [3, 1, 0]]
    assert split.valid.graph is inference
    assert split.valid.queries.tolist() == [[1, 0, 3]]
    assert split.test.queries.tolist() == [[0, 1, 2], [3, 0, 1]]
    assert split.valid.name == "toy/valid"
    assert split.test.name == "toy/test"


@pytest.mark.parametrize("names", [ILPC_FILES, INGRAM_FILES], ids=["ilpc", "ingram"])
def test_filter_inference_valid_test(tmp_path, names):
    write_folder(tmp_path / "toy", names)
    split = load_dataset(tmp_path, "toy")
    known = [
        [0, 0, 1],
        [1, 1, 2],
        [2, 0, 0],
        [3, 1, 0],
        [1, 0, 3],
        [0, 1, 2],
        [3, 0, 1],
    ]
    assert split.test.filter_triples.tolist() == known
    assert split.valid.filter_triples.tolist() == known


def test_query_names_extend_inference_graph(tmp_path, caplog):
    # v and the relation t occur only in the test file, after the validation file's u.
    write_folder(
        tmp_path / "toy",
        ILPC_FILES,
        valid=["x\ts\tu"],
        test=["x\tt\tv", "z\tr\tw"],
    )
    with caplog.at_level(logging.WARNING):
        split = load_dataset(tmp_path, "toy")
    graph = split.test.graph
    assert graph.entity_names == ["x", "y", "z", "w", "u", "v"]
    assert graph.relation_names == ["s", "r", "t"]
    assert graph.num_facts == 4
    assert split.valid.queries.tolist() == [[0, 0, 4]]
    assert split.test.queries.tolist() == [[0, 2, 5], [2, 1, 3]]
    assert split.train.graph.num_entities == 3
    messages = warnings_of(caplog)
    assert len(messages) == 2
    assert "inference_validation.txt: 1 of 1 rows" in messages[0]
    assert "inference_test.txt: 1 of 2 rows" in messages[1]
    assert "relation 't'" in messages[1]


def test_repeated_inference_fact_counts_once(tmp_path, caplog):
    write_folder(tmp_path / "toy", INGRAM_FILES, inference=[*INFERENCE, "x\ts\ty"])
    with caplog.at_level(logging.WARNING):
        split = load_dataset(tmp_path, "toy")
    assert split.test.graph.num_facts == 4
    assert any(
        "msg.txt:5: the fact on this line repeats line 1" in m
        for m in warnings_of(caplog)
    )


def test_nfc_names_are_one_entity(tmp_path):
    # msg.txt spells "zü" in NFD, test.txt in NFC.
    nfd, nfc = "zu\u0308", "z\u00fc"
    inference = ["x\ts\ty", f"y\tr\t{nfd}"]
    write_folder(
        tmp_path / "toy",
        INGRAM_FILES,
        inference=inference,
        valid=[],
        test=[f"x\tr\t{nfc}"],
    )
    split = load_dataset(tmp_path, "toy")
    assert split.test.graph.entity_names == ["x", "y", nfd]
    assert split.test.queries.tolist() == [[0, 1, 2]]


def test_ingram_folder_is_not_transductive(tmp_path):
    # train.txt, valid.txt and test.txt alone make a transductive folder, whose
    # queries rank on train.txt. msg.txt makes them rank on msg.txt instead.
    write_folder(tmp_path / "toy", INGRAM_FILES)
    assert load_dataset(tmp_path, "toy").test.graph.num_facts == 4
    (tmp_path / "toy" / "msg.txt").unlink()
    plain = load_dataset(tmp_path, "toy")
    assert plain.test.graph.entity_names[:3] == ["a", "b", "c"]
    assert plain.test.graph.num_facts == 3


@pytest.mark.parametrize(
    ("names", "removed", "title"),
    [
        (ILPC_FILES, "inference_test", "ILPC 2022"),
        (ILPC_FILES, "inference", "ILPC 2022"),
        (ILPC_FILES, "train", "ILPC 2022"),
        (INGRAM_FILES, "test", "InGram"),
        (INGRAM_FILES, "train", "InGram"),
    ],
)
def test_missing_file_named(tmp_path, names, removed, title):
    write_folder(tmp_path / "toy", names)
    (tmp_path / "toy" / f"{removed}.txt").unlink()
    with pytest.raises(KGFormatError) as error:
        load_dataset(tmp_path, "toy")
    message = str(error.value)
    assert message.startswith(
        f"{tmp_path / 'toy'}: {title} dataset folder is missing {removed}.txt ("
    )
    assert "Add it with one head, relation, tail row per line" in message
    for name in names:
        assert f"{name}.txt" in message


def test_ilpc_ignored_files_warned(tmp_path, caplog):
    write_folder(tmp_path / "toy", ILPC_FILES)
    (tmp_path / "toy" / "valid.txt").write_text("a\tr\tc\n")
    (tmp_path / "toy" / "test.txt").write_text("b\tr\ta\n")
    with caplog.at_level(logging.WARNING):
        split = load_dataset(tmp_path, "toy")
    expected = (
        f"{tmp_path / 'toy'}: test.txt, valid.txt are ignored, because the folder "
        "has the ILPC 2022 layout, which reads train.txt, inference.txt, "
        "inference_validation.txt, inference_test.txt"
    )
    assert warnings_of(caplog) == [expected]
    # The queries are those of inference_validation.txt and inference_test.txt.
    assert split.valid.queries.tolist() == [[1, 0, 3]]
    assert split.test.queries.tolist() == [[0, 1, 2], [3, 0, 1]]


def test_ilpc_one_ignored_file_warned(tmp_path, caplog):
    write_folder(tmp_path / "toy", ILPC_FILES)
    (tmp_path / "toy" / "valid.txt").write_text("a\tr\tc\n")
    with caplog.at_level(logging.WARNING):
        load_dataset(tmp_path, "toy")
    expected = (
        f"{tmp_path / 'toy'}: valid.txt is ignored, because the folder has the "
        "ILPC 2022 layout, which reads train.txt, inference.txt, "
        "inference_validation.txt, inference_test.txt"
    )
    assert warnings_of(caplog) == [expected]


def test_both_layouts_rejected(tmp_path):
    write_folder(tmp_path / "toy", INGRAM_FILES)
    (tmp_path / "toy" / "inference.txt").write_text("x\ts\ty\n")
    with pytest.raises(KGFormatError, match="layout is ambiguous") as error:
        load_dataset(tmp_path, "toy")
    assert "inference.txt (ILPC 2022 layout) and msg.txt (InGram layout)" in str(
        error.value
    )
    assert list_datasets(tmp_path) == {"toy": "ambiguous"}


def test_list_datasets_layouts(tmp_path):
    write_folder(tmp_path / "small", ILPC_FILES)
    write_folder(tmp_path / "NL-25", INGRAM_FILES)
    write_folder(tmp_path / "codex", ("train", "valid", "test", "unused"))
    assert list_datasets(tmp_path) == {
        "NL-25": "ingram",
        "codex": "transductive",
        "small": "ilpc",
    }


def test_cli_list_names_layouts(tmp_path, capsys):
    write_folder(tmp_path / "small", ILPC_FILES)
    write_folder(tmp_path / "NL-25", INGRAM_FILES)
    assert main(["kg", "list", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (
        "  small        ILPC 2022 layout (train.txt, inference.txt, "
        "inference_validation.txt, inference_test.txt)" in out
    )
    assert (
        "  NL-25        InGram layout (train.txt, msg.txt, valid.txt, test.txt)" in out
    )


def test_cli_list_names_missing_files(tmp_path, capsys):
    # An ILPC 2022 folder with inference.txt only, and a complete one beside it.
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "inference.txt").write_text("x\ts\ty\n")
    write_folder(tmp_path / "small", ILPC_FILES)
    assert main(["kg", "list", "--root", str(tmp_path)]) == 0
    lines = {
        line.split()[0]: line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("  ")
    }
    assert lines["partial"].endswith(
        "inference_test.txt), incomplete: partial/train.txt, "
        "partial/inference_validation.txt, partial/inference_test.txt are missing, "
        "so --dataset partial fails until they are added"
    )
    assert "incomplete" not in lines["small"]


def random_model(seed):
    torch.manual_seed(seed)
    model = UltraNet(dim=8, num_layers=3, aggregation="plain").double()
    # Weights larger than the default initialisation, so that scores are not flat.
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.5)
    return model.eval()


def random_rows(generator, count, entities, relations, prefix="n"):
    rows = []
    while len(rows) < count:
        head, relation, tail = torch.randint(
            entities, (3,), generator=generator
        ).tolist()
        row = f"{prefix}{head}\tq{relation % relations}\t{prefix}{tail}"
        if row not in rows:
            rows.append(row)
    return rows


def read_reference(folder, names):
    """Number an ILPC 2022 or InGram folder as ULTRA's ``InductiveDataset`` does.

    Entities and relations of the inference graph are numbered by first appearance
    (head, then tail, then relation of each row) in the inference, validation and test
    files. Rows are ``(h, t, r)``.
    """
    entities, relations, rows = {}, {}, {}
    for name in names[1:]:
        rows[name] = []
        for line in (folder / f"{name}.txt").read_text().splitlines():
            head, relation, tail = line.split("\t")
            h = entities.setdefault(head, len(entities))
            t = entities.setdefault(tail, len(entities))
            r = relations.setdefault(relation, len(relations))
            rows[name].append((h, t, r))
    inference, valid, test = (torch.tensor(rows[name]) for name in names[1:])
    data = {
        "facts": inference,
        "num_nodes": len(entities),
        "num_relations": len(relations),
    }
    return data, valid, test


@pytest.mark.parametrize("names", [ILPC_FILES, INGRAM_FILES], ids=["ilpc", "ingram"])
def test_ranks_match_reference(tmp_path, names):
    generator = torch.Generator().manual_seed(5)
    # Relations q0..q3 in the inference graph, in another order than in training.
    inference = [f"n{i}\tq{(3 - i) % 4}\tn{(i + 1) % 10}" for i in range(10)]
    inference += random_rows(generator, 20, 10, 4)
    queries = [row for row in random_rows(generator, 40, 10, 4) if row not in inference]
    valid, test = queries[:8], queries[8:16]
    # Test rows that share (head, relation) with a validation row, so that the filter
    # of the test ranks depends on the validation file.
    for i, row in enumerate(valid[:3]):
        head_and_relation = row.rsplit("\t", 1)[0]
        test.append(f"{head_and_relation}\tn{i}")
    test = [
        row for row in dict.fromkeys(test) if row not in valid and row not in inference
    ]
    train = random_rows(generator, 20, 8, 3, prefix="t")

    write_folder(
        tmp_path / "toy",
        names,
        train=train,
        inference=inference,
        valid=valid,
        test=test,
    )
    split = load_dataset(tmp_path, "toy")
    data, valid_rows, test_rows = read_reference(tmp_path / "toy", names)
    model = random_model(7)

    known = torch.cat([valid_rows, test_rows])
    for query_set, targets in ((split.test, test_rows), (split.valid, valid_rows)):
        ranks = evaluate_ranks(model, query_set, batch_size=64)
        data["targets"] = targets
        assert torch.equal(
            ranks, ranks_reference(model, data, 64, filter_targets=known)
        )

    # Not vacuous: without the validation rows in the filter, test ranks change.
    graph = split.test.graph
    no_valid = LinkPredictionSet(
        graph, split.test.queries, torch.cat([graph.triples, split.test.queries])
    )
    assert not torch.equal(
        evaluate_ranks(model, no_valid, batch_size=64),
        evaluate_ranks(model, split.test, batch_size=64),
    )


@pytest.mark.parametrize("names", [ILPC_FILES, INGRAM_FILES], ids=["ilpc", "ingram"])
def test_cli_evaluate_both_splits(tmp_path, names, capsys):
    write_folder(tmp_path / "toy", names)
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=2).save(checkpoint)
    arguments = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy"]
    arguments += ["--root", str(tmp_path)]
    model = Ultra.from_pretrained(checkpoint)
    split = load_dataset(tmp_path, "toy")
    for name, query_set in (("test", split.test), ("valid", split.valid)):
        output = tmp_path / f"{name}.json"
        assert main([*arguments, "--split", name, "--json", str(output)]) == 0
        metrics = json.loads(output.read_text())
        assert metrics["num_ranks"] == 2 * query_set.queries.size(0)
        assert metrics["mrr"] == pytest.approx(evaluate(model, query_set)["mrr"])
    assert "toy (valid, 2 ranks)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("names", "query_file"),
    [(ILPC_FILES, "inference_validation"), (INGRAM_FILES, "valid")],
    ids=["ilpc", "ingram"],
)
def test_cli_empty_valid_names_file(tmp_path, names, query_file):
    write_folder(tmp_path / "toy", names, valid=[])
    arguments = ["kg", "evaluate", "--checkpoint", str(tmp_path / "missing.pth")]
    arguments += ["--dataset", "toy", "--root", str(tmp_path), "--split", "valid"]
    with pytest.raises(SystemExit) as error:
        main(arguments)
    message = str(error.value)
    assert "toy/valid has no query triples" in message
    assert f"{tmp_path / 'toy' / query_file}.txt contains no rows" in message


def test_cli_finetune_trains_on_train_file(tmp_path, capsys):
    write_folder(tmp_path / "toy", ILPC_FILES)
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=2).save(checkpoint)
    arguments = ["kg", "finetune", "--checkpoint", str(checkpoint), "--dataset", "toy"]
    arguments += ["--root", str(tmp_path), "--out", str(tmp_path / "run")]
    arguments += ["--steps", "1", "--batch-size", "2", "--negatives", "2", "--evaluate"]
    assert main(arguments) == 0
    assert "toy test MRR" in capsys.readouterr().out
    # The checkpoint records the fingerprint of the graph it trained on.
    state = torch.load(tmp_path / "run" / "last.pth", weights_only=False)
    split = load_dataset(tmp_path, "toy")
    assert state["graph_fingerprints"] == [graph_fingerprint(split.train.graph)]
    assert state["graph_sizes"] == [3]


@pytest.mark.slow
@pytest.mark.realdata
def test_released_model_fb237_v1_in_ilpc_layout(shared_data, tmp_path):
    # fb237_v1 rewritten in the ILPC 2022 layout, where inference_test.txt contains
    # only fb237_v1_ind/test.txt. The GraIL split ranks fb237_v1_ind/valid.txt and
    # test.txt together, with the same filter triples. With ultra_3g in float32, the
    # 410 ranks of test.txt are the same in both layouts, although the ILPC layout
    # numbers the inference graph's relations in another order.
    source = shared_data / "kg"
    folder = tmp_path / "fb"
    folder.mkdir()
    for target, file in zip(
        ILPC_FILES,
        (
            "fb237_v1/train",
            "fb237_v1_ind/train",
            "fb237_v1_ind/valid",
            "fb237_v1_ind/test",
        ),
    ):
        (folder / f"{target}.txt").write_bytes((source / f"{file}.txt").read_bytes())

    model = Ultra.from_pretrained(shared_data / "ultra" / "ultra_3g.pth")
    ilpc = load_dataset(tmp_path, "fb")
    grail = load_dataset(source, "fb237_v1").test
    assert ilpc.test.graph.num_facts == grail.graph.num_facts
    assert ilpc.test.graph.relation_names != grail.graph.relation_names

    # The GraIL ranks list the tail queries, then the head queries, of valid and
    # test together, so the test part is cut from each half.
    num_valid, num_queries = ilpc.valid.queries.size(0), grail.queries.size(0)
    grail_ranks = evaluate_ranks(model, grail, batch_size=32)
    test_part = torch.cat(
        [grail_ranks[num_valid:num_queries], grail_ranks[num_queries + num_valid :]]
    )

    ranks = evaluate_ranks(model, ilpc.test, batch_size=32)
    assert ranks.numel() == 410
    assert torch.equal(ranks, test_part)
