"""A NaN in [N] or [N, A, B] features gets the standard message with its position.

A model passed to the Trainer may read such features as they are. A NaN check that
unpacked each position as (row, column) would fail on them with "not enough values to
unpack".
"""

import pytest
import torch
from graphkit.train.inputs import check_node_fields
from torch_geometric.data import Data

TRAIN = torch.tensor([True, True, False, False])
NAN = float("nan")


def _data(x):
    return Data(
        x=x,
        y=torch.tensor([0, 1, 0, 1]),
        train_mask=TRAIN,
        val_mask=~TRAIN,
        test_mask=~TRAIN,
    )


def _message(x) -> str:
    with pytest.raises(ValueError) as caught:
        check_node_fields(_data(x), 4)
    return str(caught.value)


def test_vector_features_name_row():
    message = _message(torch.tensor([1.0, NAN, 2.0, 3.0]))
    assert message.startswith("data.x contains 1 NaN or infinite values (first at row 1)")


def test_tensor_features_name_index():
    x = torch.zeros(4, 2, 3)
    x[2, 1, 0] = float("inf")
    x[3, 0, 0] = NAN
    message = _message(x)
    assert message.startswith(
        "data.x contains 2 NaN or infinite values (first at row 2, index (1, 0) within "
        "the row)"
    )


def test_matrix_features_name_column():
    x = torch.zeros(4, 3)
    x[3, 2] = NAN
    assert "(first at row 3, column 2)" in _message(x)
