"""The options of ``as_whole_number`` and the bounds of ``require_whole_number``."""

import numpy as np
import pytest
import torch

from graphkit.whole_numbers import (
    WrongTypeError,
    as_whole_number,
    require_whole_number,
)


def test_tensors_false_rejects_tensors():
    assert as_whole_number(torch.tensor(3), tensors=False) is None
    assert as_whole_number(torch.tensor([3]), tensors=False) is None
    assert as_whole_number(3, tensors=False) == 3
    assert as_whole_number(np.int32(3), tensors=False) == 3
    assert as_whole_number(True, tensors=False) is None
    assert as_whole_number(3.0, tensors=False) is None


def test_minimum_rejects_smaller_values():
    assert as_whole_number(1, minimum=1) == 1
    assert as_whole_number(0, minimum=1) is None
    assert as_whole_number(np.int64(-2), minimum=0) is None
    assert as_whole_number(torch.tensor(0), minimum=1) is None
    assert as_whole_number(torch.tensor(5), minimum=1) == 5
    # Without a minimum a negative count is still a whole number.
    assert as_whole_number(-4) == -4


def test_require_bounds_are_inclusive():
    assert require_whole_number(np.int64(0), "bad", minimum=0, maximum=2) == 0
    assert require_whole_number(torch.tensor(2), "bad", minimum=0, maximum=2) == 2


@pytest.mark.parametrize("value", [-1, 3])
def test_require_out_of_range_value_error(value):
    with pytest.raises(ValueError, match="^bad$") as caught:
        require_whole_number(value, "bad", minimum=0, maximum=2)
    assert not isinstance(caught.value, TypeError)


@pytest.mark.parametrize("value", [2.0, True, "1", torch.tensor(1)])
def test_require_wrong_type_error(value):
    with pytest.raises(WrongTypeError, match="^bad$"):
        require_whole_number(value, "bad", minimum=0, tensors=False)
