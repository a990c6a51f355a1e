"""TrainConfig rejects numpy and torch bools for number fields, as it rejects True."""

import numpy as np
import pytest
import torch

from graphkit.train import TrainConfig


@pytest.mark.parametrize("value", [np.bool_(True), torch.tensor(True)])
def test_bool_scalar_rejected_for_float(value):
    with pytest.raises(ValueError, match=r"^lr must be of type float, got True$"):
        TrainConfig(lr=value)


@pytest.mark.parametrize("value", [np.bool_(False), torch.tensor(False)])
def test_bool_scalar_rejected_for_int(value):
    with pytest.raises(ValueError, match=r"^hidden must be of type int, got False$"):
        TrainConfig(hidden=value)
