"""TrainConfig built from Python rejects wrongly typed values, as a YAML file does."""

import numpy as np
import pytest

from graphkit.train import TrainConfig


@pytest.mark.parametrize(
    "options, message",
    [
        ({"epochs": "3"}, "epochs must be of type int, got '3'"),
        ({"epochs": 2.5}, "epochs must be of type int, got 2.5"),
        ({"seed": 1.0}, "seed must be of type int, got 1.0"),
        ({"hidden": True}, "hidden must be of type int, got True"),
        ({"lr": "0.1"}, "lr must be of type float, got '0.1'"),
        ({"lr": True}, "lr must be of type float, got True"),
        ({"residual": 1}, "residual must be of type bool, got 1"),
        ({"dataset": 3}, "dataset must be of type str, got 3"),
    ],
)
def test_wrong_type_rejected(options, message):
    with pytest.raises(ValueError) as error:
        TrainConfig(**options)
    assert str(error.value) == message


def test_int_accepted_for_float():
    config = TrainConfig(lr=1, dropout=0)
    assert config.lr == 1
    assert config.dropout == 0


def test_numpy_scalars_become_python_numbers():
    config = TrainConfig(epochs=np.int64(3), lr=np.float32(0.5))
    assert type(config.epochs) is int
    assert config.epochs == 3
    assert type(config.lr) is float
    assert config.lr == 0.5
