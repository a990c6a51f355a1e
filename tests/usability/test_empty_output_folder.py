"""An empty output folder is rejected, because the run would silently save nothing."""

import pytest
from graphkit.kg.train import TrainConfig as KGTrainConfig
from graphkit.launch.cli import run
from graphkit.train.config import TrainConfig


def test_train_config_rejects_empty_out():
    with pytest.raises(ValueError) as caught:
        TrainConfig(out="")
    assert str(caught.value) == (
        "out is empty, so nothing would be saved. Pass a folder for the metrics and "
        "checkpoints, or out=None to save nothing"
    )


def test_train_command_rejects_empty_out(capsys):
    assert run(["train", "--out", ""]) == 2
    assert capsys.readouterr().err.endswith(
        "graphkit train: error: --out is empty, so nothing would be saved. Pass a "
        "folder for the metrics and checkpoints, or leave --out out to save nothing\n"
    )


def test_kg_training_rejects_empty_checkpoint_dir():
    with pytest.raises(ValueError, match="checkpoint_dir is empty"):
        KGTrainConfig(checkpoint_dir=" ")
    assert KGTrainConfig(checkpoint_dir=None).checkpoint_dir is None


@pytest.mark.parametrize(
    "argv, option",
    [
        (["partition", "--parts", "2", "--out", "", "--overwrite"], "--out"),
        (["analyze", "--dataset", "synthetic", "--json", ""], "--json"),
        (["analyze", "--edge-list", " ", "--labels", "y.txt"], "--edge-list"),
        (["kg", "pretrain", "--graph", "g.tsv", "--out", ""], "--out"),
        (["kg", "evaluate", "--dataset", "FB15k237", "--json", ""], "--json"),
        (["kg", "evaluate", "--dataset", "fb237_v1", "--root", ""], "--root"),
        (["kg", "list", "--root", " "], "--root"),
        (["extras", "run", "nullhop", "--smoke", "--json", ""], "--json"),
        (["extras", "run", "nullhop", "--smoke", "--markdown", " "], "--markdown"),
    ],
)
def test_empty_path_option_rejected(tmp_path, monkeypatch, capsys, argv, option):
    # An empty path is the working folder, which partition --overwrite would replace.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("kept\n")
    with pytest.raises(SystemExit) as exited:
        run(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"error: argument {option}: " in err
    assert "is an empty path. Give a file or folder name" in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.txt"]
