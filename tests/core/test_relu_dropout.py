"""Fused ReLU + dropout: the same values as the unfused pair, one saved tensor."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from graphkit.nn.activation import relu_dropout


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.77])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_matches_unfused_pair_bitwise(p, dtype):
    x = torch.randn(300, 17, dtype=dtype)
    x[0, :5] = 0  # ReLU's gradient at exactly 0 is 0 in both forms
    fused_input = x.clone().requires_grad_()
    plain_input = x.clone().requires_grad_()
    torch.manual_seed(3)
    plain = F.dropout(F.relu(plain_input), p, True)
    torch.manual_seed(3)
    fused = relu_dropout(fused_input, p, True)
    grad = torch.randn_like(plain)
    plain.backward(grad)
    fused.backward(grad)
    assert torch.equal(fused, plain)
    assert torch.equal(fused_input.grad, plain_input.grad)


@pytest.mark.parametrize(
    ("p", "training"), [(0.5, False), (0.0, True), (1.0, True), (1.0, False)]
)
def test_degenerate_cases_match_unfused(p, training):
    x = torch.tensor([[-1.0, 0.0, 2.0]], requires_grad=True)
    expected = F.dropout(F.relu(x), p, training)
    assert torch.equal(relu_dropout(x, p, training), expected)


def _saved_tensors(function, x):
    """Return ``function(x)`` and the tensors autograd saved while computing it."""
    saved = []

    def pack(tensor):
        saved.append(tensor)
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        out = function(x)
    return out, saved


def test_keeps_only_output_for_backward():
    x = torch.randn(64, 8, requires_grad=True)
    out, saved = _saved_tensors(lambda t: relu_dropout(t, 0.5, True), x)
    full_size = [tensor for tensor in saved if tensor.numel() == x.numel()]
    assert len(full_size) == 1
    assert full_size[0].data_ptr() == out.data_ptr()
    assert sum(tensor.numel() for tensor in saved) == x.numel() + 1


def test_unfused_pair_keeps_two_more_tensors():
    # The reason for the fused form: ReLU keeps its output and dropout its mask.
    x = torch.randn(64, 8, requires_grad=True)
    _out, saved = _saved_tensors(lambda t: F.dropout(F.relu(t), 0.5, True), x)
    assert sum(tensor.numel() for tensor in saved) == 2 * x.numel()


def test_all_dropped_row_gets_zero_gradient():
    x = torch.ones(4, 3, requires_grad=True)
    torch.manual_seed(0)
    out = relu_dropout(x, 0.999, True)
    out.sum().backward()
    dropped = out == 0
    assert torch.all(x.grad[dropped] == 0)
    assert torch.all(x.grad[~dropped] == out[~dropped])
