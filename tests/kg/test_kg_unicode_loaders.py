"""Loaders number names by their NFC form, so NFC and NFD spellings are one entity.

Each case mixes "Zürich" written with a precomposed "ü" (NFC) and with "u" and a
combining diaeresis (NFD) across files or rows. The spelling read first becomes the
name.
"""

import json
import logging

import pytest
import torch
from graphkit.launch.cli import main

from graphkit.kg import (
    KGFormatError,
    KnowledgeGraph,
    Ultra,
    load_dataset,
    load_graph,
    read_triples,
)

NFC_CITY = "Z\u00fcrich"
NFD_CITY = "Zu\u0308rich"
NFC_RELATION = "li\u00e9gt_in"
NFD_RELATION = "lie\u0301gt_in"


def write_rows(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join("\t".join(row) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")
    return path


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_named_triples_merge_forms():
    kg = KnowledgeGraph.from_named_triples(
        [
            (NFD_CITY, NFD_RELATION, "CH"),
            ("CH", "r", NFC_CITY),
            (NFC_CITY, NFC_RELATION, "Bern"),
        ]
    )
    assert kg.entity_names == [NFD_CITY, "CH", "Bern"]
    assert kg.relation_names == [NFD_RELATION, "r"]
    assert kg.triples.tolist() == [[0, 0, 1], [1, 1, 0], [0, 0, 2]]
    assert kg.entity_id(NFC_CITY) == 0
    assert kg.entity_id(NFD_CITY) == 0
    assert kg.relation_id(NFC_RELATION) == 0


def test_first_spelling_within_row():
    # The head's NFC spelling comes first, so it names the entity.
    kg = KnowledgeGraph.from_named_triples([(NFC_CITY, "r", NFD_CITY)])
    assert kg.entity_names == [NFC_CITY]
    assert kg.triples.tolist() == [[0, 0, 0]]


def test_fixed_relation_names_merge_forms():
    kg = KnowledgeGraph.from_named_triples(
        [("a", NFC_RELATION, "b"), ("b", "s", "a")], relation_names=[NFD_RELATION]
    )
    assert kg.relation_names == [NFD_RELATION, "s"]
    assert kg.triples.tolist() == [[0, 0, 1], [1, 1, 0]]


def test_name_lists_reject_two_forms():
    with pytest.raises(ValueError) as raised:
        KnowledgeGraph(torch.tensor([[0, 0, 1]]), [NFC_CITY, NFD_CITY], ["r"])
    message = str(raised.value)
    assert f"{NFC_CITY!r} (id 0) and {NFD_CITY!r} (id 1)" in message
    assert "Unicode normal form NFC" in message


def test_load_graph_drops_fact_in_other_form(tmp_path, caplog):
    path = write_rows(
        tmp_path / "facts.tsv",
        [
            (NFD_CITY, NFD_RELATION, "CH"),
            ("Bern", NFD_RELATION, "CH"),
            (NFC_CITY, NFC_RELATION, "CH"),
        ],
    )
    kg = load_graph(path)
    assert kg.entity_names == [NFD_CITY, "CH", "Bern"]
    assert kg.relation_names == [NFD_RELATION]
    assert kg.triples.tolist() == [[0, 0, 1], [2, 0, 1]]
    (message,) = warnings_of(caplog)
    assert f"{path}:3: the fact on this line repeats line 1" in message


def test_read_triples_marks_ascii_files(tmp_path):
    # Only files with a non-ASCII name need NFC normalization, so read_triples marks
    # ASCII-only files.
    plain = write_rows(tmp_path / "plain.tsv", [("a", "r", "b")])
    accented = write_rows(tmp_path / "accented.tsv", [(NFC_CITY, "r", "b")])
    assert read_triples(plain).ascii_only is True
    assert read_triples(accented).ascii_only is False


def test_transductive_queries_in_other_form(tmp_path, caplog):
    folder = tmp_path / "toy"
    write_rows(
        folder / "train.txt",
        [(NFD_CITY, NFD_RELATION, "CH"), ("Bern", NFD_RELATION, "CH")],
    )
    write_rows(folder / "valid.txt", [(NFC_CITY, NFC_RELATION, "CH")])
    write_rows(folder / "test.txt", [("CH", NFC_RELATION, NFC_CITY)])
    split = load_dataset(tmp_path, "toy")
    graph = split.test.graph
    assert graph.entity_names == [NFD_CITY, "CH", "Bern"]
    assert graph.relation_names == [NFD_RELATION]
    assert split.train.queries.tolist() == [[0, 0, 1]]
    assert split.test.queries.tolist() == [[1, 0, 0]]
    assert split.test.filter_triples.tolist() == [
        [0, 0, 1],
        [2, 0, 1],
        [0, 0, 1],
        [1, 0, 0],
    ]
    # The valid row spells the first fact in the other normal form. It is that fact,
    # so the only warning is the one about queries that are facts.
    (message,) = warnings_of(caplog)
    assert "toy/valid.txt: 1 of 1 query rows are also facts of" in message


def write_grail(root):
    """Write a GraIL split named ``g`` with names in both normal forms.

    The ``g/`` files spell a relation in NFD, and ``g_ind/train.txt`` spells it in NFC.
    The ``g_ind/`` files spell the city in both forms.
    """
    write_rows(root / "g" / "train.txt", [("a", NFD_RELATION, "b"), ("b", "s", "a")])
    write_rows(root / "g" / "valid.txt", [("b", NFD_RELATION, "a")])
    write_rows(
        root / "g_ind" / "train.txt",
        [(NFD_CITY, NFC_RELATION, "CH"), ("CH", "s", "Bern")],
    )
    write_rows(root / "g_ind" / "valid.txt", [(NFC_CITY, NFD_RELATION, "CH")])
    write_rows(root / "g_ind" / "test.txt", [("CH", "s", NFC_CITY)])


def test_grail_names_in_other_form(tmp_path, caplog):
    write_grail(tmp_path)
    split = load_dataset(tmp_path, "g")
    # The inference graph's NFC relation matches the training graph's NFD one. So no
    # relation is new, and the split is not taken for a fully inductive one.
    assert split.train.graph.relation_names == [NFD_RELATION, "s"]
    assert split.test.graph.relation_names == [NFD_RELATION, "s"]
    assert split.train.queries.tolist() == [[1, 0, 0]]
    assert split.test.graph.entity_names == [NFD_CITY, "CH", "Bern"]
    assert split.test.graph.triples.tolist() == [[0, 0, 1], [1, 1, 2]]
    assert split.test.queries.tolist() == [[0, 0, 1], [1, 1, 0]]
    # The g_ind/valid.txt row spells the first inference fact in the other normal form.
    (message,) = warnings_of(caplog)
    assert "g_ind/valid.txt: 1 of 1 query rows are also facts of" in message


def test_unknown_entity_still_rejected(tmp_path):
    path = write_rows(tmp_path / "facts.tsv", [(NFD_CITY, "r", "CH")])
    kg = load_graph(path)
    with pytest.raises(KGFormatError, match="entity 'Zurich' is not in the graph"):
        kg.encode([("Zurich", "r", "CH")])


@pytest.fixture()
def checkpoint(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=1).save(path)
    return path


def test_cli_predict_other_form(tmp_path, checkpoint, capsys):
    graph = write_rows(
        tmp_path / "facts.tsv",
        [(NFD_CITY, NFD_RELATION, "CH"), ("Bern", NFD_RELATION, "CH")],
    )
    argv = ["kg", "predict", "--checkpoint", str(checkpoint), "--graph", str(graph)]
    argv += ["--head", NFC_CITY, "--relation", NFC_RELATION, "-k", "3"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"top 3 answers of ({NFC_CITY}, {NFC_RELATION}, ?):"
    # Three entities, each printed once in the spelling read first from the file.
    answers = sorted(line.split()[-1] for line in lines[1:])
    assert answers == sorted(["Bern", "CH", NFD_CITY])


def test_cli_evaluate_counts_no_uninformed(tmp_path, checkpoint):
    write_grail(tmp_path / "data")
    out_file = tmp_path / "metrics.json"
    argv = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "g"]
    argv += ["--root", str(tmp_path / "data"), "--json", str(out_file)]
    assert main(argv) == 0
    metrics = json.loads(out_file.read_text())
    assert metrics["num_ranks"] == 4
    assert metrics["num_uninformed_ranks"] == 0


@pytest.mark.parametrize(
    "names, message",
    [
        (["a", "a", "r"], "relation names must be unique, but 'a' has ids 0 and 1"),
        (["\u00c5", "A\u030a", "r"], "are one name in Unicode normal form NFC"),
    ],
)
def test_fixed_relation_list_with_repeats_rejected(names, message):
    # Without the check, relation "r" would get id 1 instead of its position 2.
    with pytest.raises(ValueError, match=message):
        KnowledgeGraph.from_named_triples([("x", "r", "y")], relation_names=names)
