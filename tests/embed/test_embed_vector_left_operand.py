"""A 1-D tensor on the left of an implicit matrix."""

from __future__ import annotations

import warnings

import torch
from torch.testing import assert_close

from graphkit.embed import DenseMatrix, SparseMatrix

DENSE = torch.arange(6.0).view(2, 3)


def test_vector_times_dense_leaf():
    vector = torch.tensor([1.0, 2.0])
    with warnings.catch_warnings():
        # torch warns that .T of a 1-D tensor will become an error.
        warnings.simplefilter("error")
        product = vector @ DenseMatrix(DENSE)
    assert product.shape == (3,)
    assert_close(product, vector @ DENSE)


def test_vector_times_sparse_leaf():
    vector = torch.tensor([1.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        product = vector @ SparseMatrix(DENSE.to_sparse())
    assert_close(product, torch.tensor([-3.0, -3.0, -3.0]))
