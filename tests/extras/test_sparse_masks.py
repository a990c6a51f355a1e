"""Sparse masks keep exact counts; DSR and SET reallocation keep the non-zero total."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.common.sparse import (
    MaskedLinear,
    grow_random,
    magnitude_prune,
    random_mask,
)
from graphkit.extras.efficient import dsr


def test_random_mask_exact_count():
    g = torch.Generator().manual_seed(0)
    for density, expected in ((0.05, 960), (0.5, 9600), (0.0, 0), (1.0, 19200)):
        mask = random_mask((300, 64), density=density, generator=g)
        assert int(mask.sum()) == expected
    assert int(random_mask((7, 3), count=5, generator=g).sum()) == 5
    with pytest.raises(
        ValueError, match=r"count=5 must lie in \[0, 4\] for shape \(2, 2\)"
    ):
        random_mask((2, 2), count=5)


def test_integer_tensor_counts_accepted():
    # A count computed with torch, such as (density * numel).round().long(), is a
    # one-element integer tensor, and each function uses it as that many weights.
    assert int(random_mask((4, 4), count=torch.tensor(3)).sum()) == 3
    mask = torch.tensor([True, False, False, True])
    assert grow_random(mask, torch.tensor(2)).sort().values.tolist() == [1, 2]
    weight = torch.tensor([0.5, 9.0, 9.0, 2.0])
    pruned = magnitude_prune(weight, mask, torch.tensor([1]))
    assert pruned.tolist() == [False, False, False, True]


def test_prune_and_grow_counts():
    weight = torch.tensor([[0.1, -3.0, 0.2], [2.0, -0.05, 1.0]])
    mask = torch.tensor([[True, True, False], [True, True, True]])
    pruned = magnitude_prune(weight, mask, 2)
    assert pruned.tolist() == [[False, True, False], [True, False, True]]
    grown = grow_random(pruned, 3, torch.Generator().manual_seed(0))
    assert sorted(grown.tolist()) == [0, 2, 4]
    with pytest.raises(ValueError, match="free positions"):
        grow_random(pruned, 4)


def test_masked_linear_zero_gradient_outside_mask():
    layer = MaskedLinear(4, 3)
    layer.mask.copy_(
        torch.tensor([[1, 0, 0, 1], [0, 1, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    )
    layer(torch.randn(5, 4)).sum().backward()
    assert torch.equal(
        layer.weight.grad[~layer.mask], torch.zeros(int((~layer.mask).sum()))
    )
    assert layer.nonzero_count() == 7


def test_largest_remainder_exact_sum():
    assert dsr.largest_remainder(10, [1.0, 1.0, 1.0]) == [4, 3, 3]
    # Shares 97 * (5, 0.3, 11, 2) / 18.3 = (26.50, 1.590, 58.31, 10.60): floors sum to
    # 95, and the 2 left go to the largest fractions, 0.60 and 0.59.
    assert dsr.largest_remainder(97, [5.0, 0.3, 11.0, 2.0]) == [26, 2, 58, 11]


@pytest.mark.parametrize("mode", ["dsr", "set"])
def test_reallocation_keeps_nonzero_total(mode):
    g = torch.Generator().manual_seed(1)
    config = dsr.Config(
        hidden=(30, 20), density=0.1, prune_fraction=0.2, initial_threshold=0.05
    )
    model = dsr.build_sparse_mlp(config.hidden, config.density, g)
    layers = [m for m in model.modules() if isinstance(m, MaskedLinear)]
    optimizer = torch.optim.Adam(model.parameters())
    reallocator = dsr.Reallocator(layers, optimizer, config, mode, g)
    total = reallocator.total
    for _ in range(6):
        with torch.no_grad():
            for layer in layers:
                layer.weight.add_(0.05 * torch.randn(layer.weight.shape, generator=g))
                layer.apply_mask_()
        reallocator.step()
        assert sum(layer.nonzero_count() for layer in layers) == total
    assert reallocator.nonzero_violations == 0
    assert sum(h["pruned"] for h in reallocator.history) > 0


def test_largest_remainder_extra_to_largest():
    # Shares 10 * (1, 2, 3.5) / 6.5 = (1.54, 3.08, 5.38): floors (1, 3, 5) leave one
    # unit, which goes to the largest fraction, 0.54.
    assert dsr.largest_remainder(10, [1.0, 2.0, 3.5]) == [2, 3, 5]
