"""``graphkit kg`` reports invalid input before any work starts, naming file and line."""

import pytest
import torch
from graphkit.launch.cli import run

from graphkit.kg import Ultra, load_dataset

ROWS = "e1\tr1\te2\ne2\tr1\te3\ne3\tr2\te1\ne4\tr2\te2\n"


@pytest.fixture()
def kg_root(tmp_path):
    """Write a transductive dataset ``toy`` and a small random ULTRA checkpoint.

    Returns the dataset root and the checkpoint path.
    """
    folder = tmp_path / "kg" / "toy"
    folder.mkdir(parents=True)
    (folder / "train.txt").write_text(ROWS)
    (folder / "valid.txt").write_text("e1\tr1\te3\n")
    (folder / "test.txt").write_text("e2\tr2\te4\n")
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=2).save(checkpoint)
    return folder.parent, checkpoint


def evaluate_args(root, checkpoint, *extra):
    return [
        "kg",
        "evaluate",
        "--checkpoint",
        str(checkpoint),
        "--dataset",
        "toy",
        "--root",
        str(root),
        *extra,
    ]


def test_test_relation_absent_from_train(kg_root, caplog):
    # Kept as in ULTRA's loader: r9 gets the next id, and a warning names the row.
    root, _ = kg_root
    (root / "toy" / "test.txt").write_text("e1\tr1\te2\ne2\tr9\te4\n")
    split = load_dataset(root, "toy")
    assert split.test.graph.relation_names == ["r1", "r2", "r9"]
    assert split.test.queries.tolist() == [[0, 0, 1], [1, 2, 3]]
    assert "test.txt: 1 of 2 rows name an entity or relation without" in caplog.text
    assert "(first: line 2, relation 'r9')" in caplog.text


def test_valid_relation_absent_from_train(kg_root, caplog):
    root, _ = kg_root
    (root / "toy" / "valid.txt").write_text("e1\tr7\te3\n")
    split = load_dataset(root, "toy")
    assert split.train.queries.tolist() == [[0, 2, 2]]
    assert "valid.txt: 1 of 1 rows" in caplog.text
    assert "(first: line 1, relation 'r7')" in caplog.text


def test_known_relations_accepted(kg_root):
    root, _ = kg_root
    split = load_dataset(root, "toy")
    assert split.test.queries.shape == (1, 3)
    # Ids follow the order of first appearance in train.txt: e1..e4 are 0..3 and
    # r1, r2 are 0, 1.
    assert split.test.queries.tolist() == [[1, 1, 3]]
    assert split.train.queries.tolist() == [[0, 0, 2]]
    facts = [[0, 0, 1], [1, 0, 2], [2, 1, 0], [3, 1, 1]]
    assert split.test.graph.triples.tolist() == facts
    assert split.test.filter_triples.tolist() == facts + [[0, 0, 2], [1, 1, 3]]


def test_json_folder_checked_first(kg_root, tmp_path, capsys, monkeypatch):
    root, checkpoint = kg_root
    evaluated = []
    monkeypatch.setattr("graphkit.kg.evaluate", lambda *a, **k: evaluated.append(1))
    target = tmp_path / "absent" / "metrics.json"
    assert run(evaluate_args(root, checkpoint, "--json", str(target))) == 2
    assert "--json" in capsys.readouterr().err
    assert evaluated == []


def test_json_written(kg_root, tmp_path):
    root, checkpoint = kg_root
    target = tmp_path / "metrics.json"
    assert run(evaluate_args(root, checkpoint, "--json", str(target))) == 0
    assert '"mrr"' in target.read_text()
    assert [p.name for p in tmp_path.glob(".metrics.json.*")] == []


def test_finetune_out_file_rejected(kg_root, tmp_path, capsys):
    root, checkpoint = kg_root
    out = tmp_path / "runs"
    out.write_text("keep\n")
    args = [
        "kg",
        "finetune",
        "--checkpoint",
        str(checkpoint),
        "--dataset",
        "toy",
        "--root",
        str(root),
        "--out",
        str(out),
        "--steps",
        "1",
    ]
    assert run(args) == 2
    assert f"--out {out} is a file, not a folder" in capsys.readouterr().err
    assert out.read_text() == "keep\n"


def test_non_utf8_triples_line_named(kg_root):
    root, _ = kg_root
    (root / "toy" / "test.txt").write_bytes(b"e1\tr1\te2\ne2\tr2\te\xff4\n")
    with pytest.raises(
        ValueError, match=r"test.txt:2: not UTF-8 text \(invalid byte 0xff"
    ):
        load_dataset(root, "toy")


def test_evaluate_batch_size_zero(kg_root, capsys):
    root, checkpoint = kg_root
    with pytest.raises(SystemExit) as stop:
        run(evaluate_args(root, checkpoint, "--batch-size", "0"))
    assert stop.value.code == 2
    assert (
        "--batch-size: expected a positive integer, got '0'" in capsys.readouterr().err
    )


def test_handler_message_exit_two(kg_root, capsys, monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    _, checkpoint = kg_root
    args = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy"]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert "graphkit kg evaluate: error: --root is required" in err
