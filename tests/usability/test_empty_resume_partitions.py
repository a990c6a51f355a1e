"""Empty --resume, --partitions and kg --dataset values are rejected, not ignored."""

import pytest

from graphkit.launch.cli import run
from graphkit.train.config import TrainConfig


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("resume", "", "resume is empty (''). Pass a checkpoint file or auto, or "
                       "resume=None"),
        ("resume", "  ", "resume is empty ('  '). Pass a checkpoint file or auto, or "
                         "resume=None"),
        ("partitions", "", "partitions is empty (''). Pass a partition folder, or "
                           "partitions=None"),
    ],
)
def test_train_config_rejects_empty_value(name, value, message):
    with pytest.raises(ValueError) as caught:
        TrainConfig(**{name: value})
    assert str(caught.value) == message


@pytest.mark.parametrize("flag", ["--resume", "--partitions"])
def test_train_command_rejects_empty_value(capsys, flag):
    # Accepted, an empty --resume would train from scratch and an empty
    # --partitions would partition in memory, both silently.
    assert run(["train", "--epochs", "1", flag, ""]) == 2
    assert capsys.readouterr().err.endswith(
        f"graphkit train: error: {flag} is empty (''). Pass "
        + ("a checkpoint file or auto" if flag == "--resume" else "a partition folder")
        + ", or leave the option out\n"
    )


def test_config_file_empty_resume_rejected(tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text('resume: ""\nepochs: 1\n')
    assert run(["train", "--config", str(config)]) == 2
    assert capsys.readouterr().err.endswith(
        f"graphkit train: error: resume in {config} is empty (''). Pass a checkpoint "
        "file or auto, or leave the option out\n"
    )


@pytest.mark.parametrize("command", ["pretrain", "evaluate"])
def test_kg_empty_dataset_rejected(tmp_path, capsys, command):
    # An empty name joined to --root is --root itself, read as a dataset folder.
    argv = ["kg", command, "--dataset", " ", "--root", str(tmp_path)]
    if command == "pretrain":
        argv += ["--out", str(tmp_path / "run")]
    with pytest.raises(SystemExit) as exited:
        run(argv)
    assert exited.value.code == 2
    assert (
        "error: argument --dataset: ' ' is an empty name. Give a dataset folder "
        "under --root, such as fb237_v1" in capsys.readouterr().err
    )
    assert list(tmp_path.iterdir()) == []
