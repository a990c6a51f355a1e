"""masks_for_split takes an integer split index and rejects a bool, float or str."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from graphkit.train.trainer import masks_for_split


def _data() -> Data:
    # Column k of each mask selects node k only.
    masks = torch.eye(3, dtype=torch.bool)
    return Data(train_mask=masks, val_mask=masks.clone(), test_mask=masks.clone())


@pytest.mark.parametrize("split", [True, np.True_, torch.tensor(True), 1.0, "1"])
def test_non_int_split_rejected(split):
    # Unchecked, split=True would give masks of shape [3, 1, 3].
    with pytest.raises(TypeError) as error:
        masks_for_split(_data(), split)
    assert str(error.value) == (
        f"split must be None or an int split index, got {split!r} of type "
        f"{type(split).__name__}"
    )


@pytest.mark.parametrize("split", [1, np.int64(1), torch.tensor(1)])
def test_integer_split_selects_column(split):
    selected = masks_for_split(_data(), split)
    for name in ("train_mask", "val_mask", "test_mask"):
        assert getattr(selected, name).tolist() == [False, True, False], name
