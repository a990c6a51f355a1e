"""An index tensor passed as a split mask names index_to_mask as the fix."""

import pytest
import torch
from test_api_trainer_fields import _data, _trainer


def test_index_mask_names_index_to_mask():
    with pytest.raises(TypeError) as caught:
        _trainer(_data(train_mask=torch.tensor([0, 1])))
    message = str(caught.value)
    assert "got torch.int64 of shape [2]" in message
    assert "index_to_mask(data.train_mask, size=6)" in message


def test_zero_one_mask_names_bool():
    mask = torch.tensor([1, 1, 0, 0, 0, 0])
    with pytest.raises(TypeError) as caught:
        _trainer(_data(train_mask=mask))
    message = str(caught.value)
    assert "Convert a 0/1 mask with data.train_mask.bool()" in message
    assert "index_to_mask" not in message
