"""The ``tensors`` and ``minimum`` options of ``as_whole_number``."""

import numpy as np
import torch

from graphkit.whole_numbers import as_whole_number


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
