"""Row and column selection by boolean mask, and rejected float ids."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from graphkit.embed import DenseMatrix

DENSE = torch.arange(12.0).view(3, 4)


def test_row_mask_selects_true_rows():
    # Read as int64, this mask would be the ids [1, 0, 1].
    mask = torch.tensor([True, False, True])
    selected = DenseMatrix(DENSE).select_rows(mask)
    assert selected.shape == (2, 4)
    assert_close(selected.to_dense(), DENSE[mask])


def test_column_mask_selects_true_columns():
    mask = [False, True, True, False]
    selected = DenseMatrix(DENSE).select_columns(mask)
    assert selected.shape == (3, 2)
    assert_close(selected.to_dense(), DENSE[:, [1, 2]])
    assert_close(selected.T.to_dense(), DENSE[:, [1, 2]].T)


def test_mask_of_wrong_length_rejected():
    with pytest.raises(IndexError, match=r"boolean row mask must have shape \(3,\)"):
        DenseMatrix(DENSE).select_rows(torch.tensor([True, False]))


def test_float_ids_rejected():
    # A cast would truncate 0.7 to row 0.
    with pytest.raises(IndexError, match="row index must contain integer ids"):
        DenseMatrix(DENSE).select_rows(torch.tensor([0.7, 2.0]))


def test_empty_list_selects_nothing():
    assert DenseMatrix(DENSE).select_rows([]).shape == (0, 4)
    assert DenseMatrix(DENSE).select_columns([]).shape == (3, 0)
