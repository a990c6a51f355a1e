"""Single-bit convolutions: sign at zero, the fixed He scale and stored weights."""

from __future__ import annotations

import math

import torch
from graphkit.extras.efficient.onebit import BinaryConv2d, PreActBlock


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


class _ZeroBody(torch.nn.Module):
    """Stand-in for a block body, so that the block returns its shortcut alone."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.zeros(len(x), 4, 4, 4)


def test_downsampling_shortcut_averages_inside_pixels():
    block = PreActBlock(2, 4, stride=2, binary=True, batch_norm=False)
    block.body = _ZeroBody()
    x = torch.arange(2 * 8 * 8, dtype=torch.float32).reshape(1, 2, 8, 8)
    out = block(x)
    # Output (0, 0) averages the 4 pixels of its window inside the image, rows and
    # columns 0..1, and output (1, 2) the full window of rows 1..3, columns 3..5.
    assert out[0, 0, 0, 0].item() == x[0, 0, :2, :2].mean().item()
    assert out[0, 1, 1, 2].item() == x[0, 1, 1:4, 3:6].mean().item()
    # The 2 new channels are zero padding.
    assert torch.equal(out[0, 2:], torch.zeros(2, 4, 4))


def test_weight_gradient_not_scaled_by_alpha():
    # The authors' layer passes the gradient of alpha sign(w) to w unchanged.
    # Scaling it by alpha (1/3 here) cut the binary layers' learning rate.
    torch.manual_seed(1)
    conv = BinaryConv2d(2, 3, 3, padding=1)
    assert conv.alpha == 1 / 3
    x = torch.randn(1, 2, 4, 4)
    deployed = conv.deployed_weight().detach().requires_grad_(True)
    torch.nn.functional.conv2d(x, deployed, padding=1).square().sum().backward()
    conv(x).square().sum().backward()
    torch.testing.assert_close(conv.weight.grad, deployed.grad, rtol=0, atol=0)
