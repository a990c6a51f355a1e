"""``graphkit kg --checkpoint ''`` is rejected instead of read as a folder or left out."""

import pytest
from graphkit.launch.cli import main


@pytest.fixture()
def graph(tmp_path):
    path = tmp_path / "triples.tsv"
    path.write_text("a\tr\tb\nb\tr\tc\n")
    return path


@pytest.mark.parametrize("value", ["", " "])
def test_pretrain_empty_checkpoint_rejected(graph, tmp_path, capsys, value):
    out = tmp_path / "run"
    argv = ["kg", "pretrain", "--graph", str(graph), "--out", str(out)]
    argv += ["--steps", "1", "--negatives", "2", "--checkpoint", value]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert f"argument --checkpoint: {value!r} is empty" in error
    assert "a released name such as ultra_3g" in error
    # An empty --checkpoint is not the same as no --checkpoint, so pretrain must not
    # start from random weights and write a run folder.
    assert not out.exists()


def test_predict_empty_checkpoint_rejected(graph, capsys):
    argv = ["kg", "predict", "--checkpoint", "", "--graph", str(graph)]
    argv += ["--head", "a", "--relation", "r"]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert "argument --checkpoint: '' is empty" in error
    assert "folder" not in error
