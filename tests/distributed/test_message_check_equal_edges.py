"""The edge-mixing check catches mixing on sampled edges whose inputs are equal."""

import pytest
import torch
from graphkit.distributed.message_check import check_edgewise_message

from graphkit.block import Block


def _block(edge_index, num_nodes, edge_attr=None):
    return Block.from_edge_index(
        torch.tensor(edge_index), num_nodes, num_nodes, edge_attr=edge_attr
    )


def _centred(x_j, x_i, edge_attr):
    return x_j - x_j.mean(0)


def test_centring_one_edge_rejected():
    # One edge alone: x_j - x_j.mean(0) is 0 for the pair and for each single call.
    x = torch.tensor([[1.0, 2.0], [3.0, 5.0]])
    with pytest.raises(ValueError, match="mixes edges"):
        check_edgewise_message(_centred, _block([[0], [1]], 2), x, x, 0)


def test_centring_equal_features_rejected():
    # Equal rows of x: every sampled edge gets the same x_j.
    x = torch.ones(4, 3)
    block = _block([[0, 1, 2, 3], [1, 2, 3, 0]], 4)
    with pytest.raises(ValueError, match="mixes edges"):
        check_edgewise_message(_centred, block, x, x, 0)


def test_centring_equal_edge_attr_rejected():
    x = torch.arange(8.0).view(4, 2)
    block = _block([[0, 1, 2], [1, 2, 3]], 4, edge_attr=torch.full((3, 1), 0.5))

    def centred_attr(x_j, x_i, edge_attr):
        return x_j * (edge_attr - edge_attr.mean(0))

    with pytest.raises(ValueError, match="mixes edges"):
        check_edgewise_message(centred_attr, block, x, x, 0)


def test_batch_norm_message_rejected():
    # A training-mode BatchNorm fails on one edge, so only the changed-row test
    # can see that it mixes edges.
    torch.manual_seed(0)
    x = torch.randn(5, 4)
    norm = torch.nn.BatchNorm1d(4).train()
    block = _block([[0, 1, 2, 3, 4], [1, 2, 3, 4, 0]], 5)
    with pytest.raises(ValueError, match="mixes edges"):
        check_edgewise_message(lambda x_j, x_i, e: norm(x_j), block, x, x, 0)


def test_mixing_beyond_second_edge_rejected():
    # Self-loops keep the block's order (by target) equal to the node order, so
    # the first two edges have equal x_j and the later ones do not.
    x = torch.tensor([[1.0], [1.0], [4.0], [9.0]])
    block = _block([[0, 1, 2, 3], [0, 1, 2, 3]], 4)
    with pytest.raises(ValueError, match="mixes edges"):
        check_edgewise_message(_centred, block, x, x, 0)


def test_edgewise_messages_accepted():
    torch.manual_seed(0)
    x = torch.randn(50, 8)
    edge_index = torch.randint(0, 50, (2, 200))
    edge_attr = torch.randn(200, 8)
    block = Block.from_edge_index(edge_index, 50, 50, edge_attr=edge_attr)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 8)
    )
    messages = [
        lambda x_j, x_i, e: mlp(torch.cat([x_i, x_j - x_i], dim=1)),
        lambda x_j, x_i, e: x_j * e,
        lambda x_j, x_i, e: (x_j > 0).long(),
        lambda x_j, x_i, e: torch.ones_like(x_j),
        lambda x_j, x_i, e: x_j / x_j.norm(dim=1, keepdim=True),
    ]
    for message in messages:
        check_edgewise_message(message, block, x, x, 0)


def test_message_with_parameters_checked_without_warning(recwarn):
    # These messages return tensors that require grad. The check detaches them
    # before it reads their largest value.
    torch.manual_seed(0)
    x = torch.randn(6, 3)
    block = _block([[0, 1, 2, 3, 4], [1, 2, 3, 4, 5]], 6)
    weight = torch.nn.Parameter(torch.randn(3, 3))
    scale = torch.nn.Parameter(torch.randn(1, 3))
    check_edgewise_message(lambda x_j, x_i, e: x_j @ weight, block, x, x, 0)
    check_edgewise_message(
        lambda x_j, x_i, e: scale.expand(len(x_j), 3), block, x, x, 0
    )
    assert not [w for w in recwarn if "requires_grad" in str(w.message)]
