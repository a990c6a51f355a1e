"""Combinators of implicit matrices in different dtypes fail when built."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed import DenseMatrix, HStack, VStack

SINGLE = DenseMatrix(torch.ones(2, 2))
DOUBLE = DenseMatrix(torch.ones(2, 2, dtype=torch.float64))


@pytest.mark.parametrize(
    "build, combinator",
    [
        (lambda: SINGLE + DOUBLE, "Sum"),
        (lambda: SINGLE @ DOUBLE, "Product"),
        (lambda: HStack([SINGLE, DOUBLE]), "HStack"),
        (lambda: VStack([SINGLE, DOUBLE]), "VStack"),
    ],
)
def test_mixed_dtypes_rejected(build, combinator):
    with pytest.raises(
        ValueError, match=f"{combinator} needs implicit matrices of one dtype"
    ):
        build()


def test_one_dtype_accepted():
    total = (DOUBLE + DOUBLE) @ DOUBLE
    assert total.matmul(torch.ones(2, 1)).tolist() == [[8.0], [8.0]]
