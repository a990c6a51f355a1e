"""An empty --resume or --partitions is rejected instead of being ignored."""

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
        + f", or leave {flag} out\n"
    )
