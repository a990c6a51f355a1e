"""TrainConfig rejects whole-number options above the 64-bit integer range.

Such a value used to reach torch and fail there with a traceback (--hidden,
--layers), or to run until killed (--epochs).
"""

import pytest
from graphkit.launch.cli import run

from graphkit.train import TrainConfig

TOO_LARGE = 2**63


@pytest.mark.parametrize(
    ("name", "minimum"),
    [("epochs", 1), ("hidden", 1), ("layers", 1), ("patience", 0), ("split", 0)],
)
def test_field_above_int64_rejected(name, minimum):
    with pytest.raises(ValueError) as caught:
        TrainConfig(**{name: TOO_LARGE})
    assert str(caught.value) == (
        f"{name}={TOO_LARGE} is out of range. Give a whole number from {minimum} to "
        f"{2**63 - 1}, the 64-bit integer range"
    )


def test_int64_maximum_accepted():
    assert TrainConfig(epochs=2**63 - 1).epochs == 2**63 - 1


def test_command_line_epochs_rejected(capsys):
    assert run(["train", "--epochs", "100000000000000000000"]) == 2
    assert capsys.readouterr().err.strip() == (
        "graphkit train: error: --epochs 100000000000000000000 is out of range. "
        f"Give a whole number from 1 to {2**63 - 1}, the 64-bit integer range"
    )
