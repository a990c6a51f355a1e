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
