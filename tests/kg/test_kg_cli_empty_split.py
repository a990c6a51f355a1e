"""kg evaluate on an empty query split names the empty files before loading a model."""

import pytest
from graphkit.launch.cli import main

FACTS = "a\tr\tb\nb\ts\tc\nc\tr\ta\n"


def evaluate_args(root, split):
    # The checkpoint does not exist: the empty split must be reported first.
    checkpoint = str(root / "missing.pth")
    arguments = ["kg", "evaluate", "--checkpoint", checkpoint, "--dataset", "toy"]
    return arguments + ["--root", str(root), "--split", split]


def test_transductive_empty_test(tmp_path):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "train.txt").write_text(FACTS)
    (tmp_path / "toy" / "valid.txt").write_text("a\ts\tc\n")
    (tmp_path / "toy" / "test.txt").write_text("")
    with pytest.raises(SystemExit) as error:
        main(evaluate_args(tmp_path, "test"))
    message = str(error.value)
    assert "toy/test has no query triples" in message
    assert str(tmp_path / "toy" / "test.txt") in message
    assert "--split valid" in message


def test_grail_empty_test_files(tmp_path):
    for folder in ("toy", "toy_ind"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "train.txt").write_text(FACTS)
        (tmp_path / folder / "valid.txt").write_text("")
        (tmp_path / folder / "test.txt").write_text("")
    with pytest.raises(SystemExit) as error:
        main(evaluate_args(tmp_path, "test"))
    message = str(error.value)
    assert str(tmp_path / "toy_ind" / "valid.txt") in message
    assert str(tmp_path / "toy_ind" / "test.txt") in message
