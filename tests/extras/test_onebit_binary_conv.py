"""Single-bit convolutions: sign at zero, the fixed He scale and stored weights."""

from __future__ import annotations

import math

import torch
from graphkit.extras.efficient.onebit import BinaryConv2d


def test_zero_weight_deploys_as_plus_alpha():
    conv = BinaryConv2d(1, 1, 3, padding=1)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0, 0, 0, 0] = -0.5
    deployed = conv.deployed_weight()
    alpha = torch.tensor(conv.alpha)
    # sign(0) is +1 here, so the deployed weights keep two values, not three.
    assert deployed[0, 0, 0, 0] == -alpha
    assert (deployed.flatten()[1:] == alpha).all()


def test_alpha_uses_filter_fan_in():
    assert BinaryConv2d(8, 4, 3).alpha == math.sqrt(2.0 / 72)
    # A grouped convolution's filter spans in_channels / groups channels only.
    assert BinaryConv2d(8, 8, 3, groups=4).alpha == math.sqrt(2.0 / 18)
    assert BinaryConv2d(8, 8, 3, groups=8).alpha == math.sqrt(2.0 / 9)


def test_forward_leaves_stored_weights():
    torch.manual_seed(0)
    conv = BinaryConv2d(2, 3, 3, padding=1)
    before = conv.weight.detach().clone()
    x = torch.randn(1, 2, 5, 5)
    out = conv(x)
    out.sum().backward()
    # Binarizing happens on the fly, so the full-precision weights stay as stored.
    assert torch.equal(conv.weight.detach(), before)
    weight = conv.alpha * torch.sign(before)
    reference = torch.nn.functional.conv2d(x, weight, padding=1)
    torch.testing.assert_close(out.detach(), reference)
