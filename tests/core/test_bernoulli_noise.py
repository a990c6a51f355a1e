"""Dropout noise from float64 uniforms: the values, gradients and generator state of
``F.dropout``, whichever way this torch build draws them."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from graphkit.nn import bernoulli_noise
from graphkit.nn.bernoulli_noise import dropout, dropout_noise


def _run_with_seed(function, x, p, seed=5):
    """Return ``function(x, p, True)``, the input gradient and the generator state."""
    x = x.clone().requires_grad_()
    torch.manual_seed(seed)
    out = function(x, p, True)
    state = torch.get_rng_state()
    torch.manual_seed(seed + 1)
    out.backward(torch.randn_like(out))
    return out, x.grad, state


# 70,000 elements span two draw chunks, and 3 elements stay inside one.
@pytest.mark.parametrize("shape", [(700, 100), (3,)])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.77])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dropout_matches_functional_bitwise(shape, p, dtype):
    x = torch.randn(shape, dtype=dtype)
    out, grad, state = _run_with_seed(dropout, x, p)
    expected_out, expected_grad, expected_state = _run_with_seed(F.dropout, x, p)
    assert torch.equal(out, expected_out)
    assert torch.equal(grad, expected_grad)
    assert torch.equal(state, expected_state)


@pytest.mark.parametrize(
    "x",
    [
        torch.randn(40, 30).t(),  # not contiguous
        torch.randn(40, 30, dtype=torch.bfloat16),
        torch.empty(0, 3),
    ],
    ids=["transposed", "bfloat16", "empty"],
)
def test_other_inputs_match_functional(x):
    out, grad, state = _run_with_seed(dropout, x, 0.5)
    expected_out, expected_grad, expected_state = _run_with_seed(F.dropout, x, 0.5)
    assert torch.equal(out, expected_out)
    assert torch.equal(grad, expected_grad)
    assert torch.equal(state, expected_state)


@pytest.mark.parametrize(("p", "training"), [(0.5, False), (0.0, True), (1.0, True)])
def test_degenerate_cases_match_functional(p, training):
    x = torch.tensor([[-1.0, 0.0, 2.0]])
    assert torch.equal(dropout(x, p, training), F.dropout(x, p, training))


def test_invalid_probability_raises_as_functional():
    with pytest.raises(ValueError, match="between 0 and 1"):
        dropout(torch.ones(3), 1.5, True)


def test_noise_values_are_zero_or_scale():
    torch.manual_seed(0)
    noise = dropout_noise(torch.empty(1000), 0.75)
    assert set(noise.unique().tolist()) == {0.0, 4.0}


def test_bernoulli_used_when_probe_disagrees(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("uniform draws used although the probe disagreed")

    monkeypatch.setattr(bernoulli_noise, "uniforms_match_bernoulli", lambda: False)
    monkeypatch.setattr(bernoulli_noise, "_draw_kept_by_uniforms", fail)
    x = torch.randn(50, 20)
    torch.manual_seed(2)
    out = dropout(x, 0.5, True)
    torch.manual_seed(2)
    assert torch.equal(out, F.dropout(x, 0.5, True))


def test_probe_rejects_draws_that_differ(monkeypatch):
    draw = bernoulli_noise._draw_kept_by_uniforms

    def draw_one_extra(flat, keep, generator=None):
        torch.rand(1, generator=generator)
        draw(flat, keep, generator)

    monkeypatch.setattr(bernoulli_noise, "_draw_kept_by_uniforms", draw_one_extra)
    # __wrapped__ bypasses the result cached from the real draws.
    assert bernoulli_noise.uniforms_match_bernoulli.__wrapped__() is False


def test_uniforms_used_when_probe_agrees(monkeypatch):
    # A probe that always returned False would pass every test above, because the
    # bernoulli_ fallback gives the same values. Only this test detects the lost speed-up.
    calls = []
    draw = bernoulli_noise._draw_kept_by_uniforms

    def recording_draw(flat, keep, generator=None):
        calls.append(flat.numel())
        draw(flat, keep, generator)

    monkeypatch.setattr(bernoulli_noise, "uniforms_match_bernoulli", lambda: True)
    monkeypatch.setattr(bernoulli_noise, "_draw_kept_by_uniforms", recording_draw)
    dropout(torch.randn(50, 20), 0.5, True)
    assert calls == [1000]
