"""hstack and vstack take blocks as arguments or as one list, as torch.hstack does."""

import pytest
import torch

from graphkit.embed import DenseMatrix, hstack, vstack

LEFT = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
RIGHT = torch.tensor([[5.0], [6.0]])


@pytest.mark.parametrize("container", [list, tuple])
def test_hstack_of_list(container):
    stacked = hstack(container([DenseMatrix(LEFT), DenseMatrix(RIGHT)]))
    assert stacked.shape == (2, 3)
    assert torch.equal(stacked.to_dense(), torch.cat([LEFT, RIGHT], dim=1))


@pytest.mark.parametrize("container", [list, tuple])
def test_vstack_of_list(container):
    stacked = vstack(container([DenseMatrix(LEFT), DenseMatrix(RIGHT.T)]))
    assert stacked.shape == (3, 2)
    assert torch.equal(stacked.to_dense(), torch.cat([LEFT, RIGHT.T], dim=0))


def test_hstack_of_arguments():
    stacked = hstack(DenseMatrix(LEFT), DenseMatrix(RIGHT))
    assert torch.equal(stacked.to_dense(), torch.cat([LEFT, RIGHT], dim=1))


@pytest.mark.parametrize("stack", [hstack, vstack])
def test_tensor_block_rejected(stack):
    with pytest.raises(
        TypeError, match=f"{stack.__name__} block 1 is a Tensor, not an ImplicitMatrix"
    ):
        stack(DenseMatrix(LEFT), LEFT)
