"""The edge-mixing check accepts random edgewise messages and keeps the random state."""

import pytest
import torch
import torch.nn.functional as F
from graphkit.distributed.message_check import check_edgewise_message

from graphkit.block import Block


def _block():
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 0]])
    return Block.from_edge_index(edge_index, 3, 3)


def _dropped(x_j, x_i, edge_attr):
    return F.dropout(x_j, 0.5, training=True)


def test_dropout_message_accepted():
    x = torch.ones(3, 64)
    check_edgewise_message(_dropped, _block(), x, x, 0)


def test_check_keeps_random_state():
    x = torch.ones(3, 64)
    torch.manual_seed(3)
    want = torch.rand(4)
    torch.manual_seed(3)
    check_edgewise_message(_dropped, _block(), x, x, 0)
    assert torch.equal(torch.rand(4), want)


def test_mixing_message_still_rejected():
    x = torch.arange(6.0).view(3, 2) + 1

    def share(x_j, x_i, edge_attr):
        return x_j / x_j.sum(0)

    with pytest.raises(ValueError, match="mixes edges"):
        check_edgewise_message(share, _block(), x, x, 0)
