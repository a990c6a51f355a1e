"""One step of each shared spiking neuron model against values worked out by hand."""

import math

import pytest
import torch
from graphkit.extras.spiking.encoders import latency_spikes, poisson_spikes
from graphkit.extras.spiking.neurons import (
    causal_set,
    decolle_step,
    if_spike_time,
    lif_step,
    spike,
)


def test_fast_sigmoid_spike_values():
    x = torch.tensor([0.0, 0.01, -0.02, 0.5], requires_grad=True)
    out = spike(x, "fast_sigmoid", scale=100.0)
    out.sum().backward()
    assert out.tolist() == [0.0, 1.0, 0.0, 1.0]
    # 1 / (100 |x| + 1)^2 at x = 0, 0.01, -0.02, 0.5
    expected = torch.tensor([1.0, 0.25, 1.0 / 9.0, 1.0 / 51.0**2])
    torch.testing.assert_close(x.grad, expected)


def test_boxcar_spike_window():
    x = torch.tensor([-0.5, -0.49, 0.0, 0.5, 0.51], requires_grad=True)
    out = spike(x, "boxcar")
    out.sum().backward()
    assert out.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


def test_true_derivative_carries_no_gradient():
    x = torch.tensor([-0.1, 0.0, 0.1], requires_grad=True)
    out = spike(x, "true")
    assert out.tolist() == [0.0, 0.0, 1.0]
    assert not out.requires_grad


def test_unknown_surrogate_rejected():
    with pytest.raises(ValueError, match="surrogate must be one of"):
        spike(torch.zeros(2), "sigmoid")


def test_lif_step_hand_values():
    syn = torch.tensor([[0.4, 1.0]])
    mem = torch.tensor([[0.5, 1.2]], requires_grad=True)
    current = torch.tensor([[1.0, 2.0]])
    out, new_syn, new_mem = lif_step(current, syn, mem, alpha=0.5, beta=0.8)
    assert out.tolist() == [[0.0, 1.0]]
    # I' = 0.5 I + W s_in;  U' = (0.8 U + I)(1 - S)
    torch.testing.assert_close(new_syn, torch.tensor([[1.2, 2.5]]))
    torch.testing.assert_close(new_mem, torch.tensor([[0.8, 0.0]]))
    new_mem.sum().backward()
    # The reset factor is detached: the spiking neuron's U' = 0 carries no gradient.
    torch.testing.assert_close(mem.grad, torch.tensor([[0.8, 0.0]]))


def test_lif_step_spike_gradient_through_surrogate():
    mem = torch.tensor([[0.5]], requires_grad=True)
    out, _, _ = lif_step(torch.zeros(1, 1), torch.zeros(1, 1), mem, alpha=0.5, beta=0.8)
    out.sum().backward()
    torch.testing.assert_close(mem.grad, torch.tensor([[1.0 / 51.0**2]]))


def test_decolle_step_hand_values():
    layer = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[0.4, -0.2]]))
    state = {
        "P": torch.tensor([[0.5, 1.0]]),
        "Q": torch.tensor([[1.0, 0.0]]),
        "R": torch.tensor([[0.2]]),
        "S": torch.tensor([[1.0]]),
    }
    s, u, new = decolle_step(
        torch.tensor([[1.0, 0.0]]), state, layer, alpha=0.5, beta=0.5, alpha_rp=0.65
    )
    # tau_m = tau_s = 2: Q' = 0.5 Q + 2 S_in, P' = 0.5 P + 2 Q (the old Q), R' = 0.65 R - S
    torch.testing.assert_close(new["Q"], torch.tensor([[2.5, 0.0]]))
    torch.testing.assert_close(new["P"], torch.tensor([[2.25, 0.5]]))
    torch.testing.assert_close(new["R"], torch.tensor([[-0.87]]))
    torch.testing.assert_close(u, torch.tensor([[0.9 - 0.1 - 0.87]]))
    assert s.tolist() == [[0.0]]
    s.sum().backward()
    # U = -0.07 lies in the boxcar window, so dS/dW = P.
    torch.testing.assert_close(layer.weight.grad, torch.tensor([[2.25, 0.5]]))


def test_decolle_step_starts_from_zeros():
    # From zero traces, Q = tau_s * S_in with tau_s = 1 / (1 - 0.85), P = tau_m * Q[0]
    # = 0 and R = 0, so U is the bias alone.
    layer = torch.nn.Linear(3, 2)
    with torch.no_grad():
        layer.bias.copy_(torch.tensor([0.5, -0.5]))
    s, u, state = decolle_step(torch.ones(4, 3), {}, layer, alpha=0.9, beta=0.85)
    assert s.shape == (4, 2)
    assert torch.equal(state["P"], torch.zeros(4, 3))
    torch.testing.assert_close(state["Q"], torch.full((4, 3), 1 / 0.15))
    assert torch.equal(state["R"], torch.zeros(4, 2))
    torch.testing.assert_close(u, torch.tensor([[0.5, -0.5]]).expand(4, 2))
    assert s.tolist() == [[1.0, 0.0]] * 4


def test_if_spike_time_hand_values():
    # Inputs at t = 0, 0.5, 1 with weight 0.6 each. The prefix {0, 0.5} reaches
    # sum w = 1.2 > 1 but its solution t = ln(3 (1 + e^0.5)) = 2.07 lies after the third
    # input, so the causal set is all three inputs.
    z_in = torch.exp(torch.tensor([[0.0, 0.5, 1.0]], dtype=torch.float64))
    weight = torch.full((1, 3), 0.6, dtype=torch.float64)
    z_out = if_spike_time(z_in, weight)
    expected = 0.6 * (1.0 + math.exp(0.5) + math.e) / (1.8 - 1.0)
    assert math.isclose(float(z_out), expected, rel_tol=1e-12)
    t_out = math.log(expected)
    membrane = sum(0.6 * (1.0 - math.exp(-(t_out - t))) for t in (0.0, 0.5, 1.0))
    assert math.isclose(membrane, 1.0, rel_tol=1e-12)


def test_if_spike_time_early_prefix():
    # w = (1.5, 0.5): the first input alone crosses at z = 1.5 e^0 / 0.5 = 3, before the
    # second input at e^2, so the second input is not in the causal set.
    z_in = torch.exp(torch.tensor([[0.0, 2.0]], dtype=torch.float64))
    weight = torch.tensor([[1.5, 0.5]], dtype=torch.float64)
    assert causal_set(z_in, weight).tolist() == [[[1.0, 0.0]]]
    assert math.isclose(float(if_spike_time(z_in, weight)), 3.0, rel_tol=1e-12)


def test_causal_set_input_at_spike_time():
    # The first input alone would cross at z = 1.5 / 0.5 = 3, exactly when the second
    # input arrives. The firing interval [z_(k), z_(k+1)) is half-open, so that input
    # joins the causal set, and (1.5 + 3) / 1.5 gives the same time 3.
    z_in = torch.tensor([[1.0, 3.0]], dtype=torch.float64)
    weight = torch.tensor([[1.5, 1.0]], dtype=torch.float64)
    assert causal_set(z_in, weight).tolist() == [[[1.0, 1.0]]]
    assert float(if_spike_time(z_in, weight)) == 3.0


def test_if_spike_time_no_spike_and_unordered_inputs():
    z_in = torch.exp(torch.tensor([[1.0, 0.0], [0.0, math.inf]], dtype=torch.float64))
    weight = torch.tensor([[0.5, 0.4], [2.0, -1.0]], dtype=torch.float64)
    z_out = if_spike_time(z_in, weight)
    # Neuron 0: sum w = 0.9 < 1, never fires. Neuron 1, sample 0: the input at t = 0 has
    # w = -1, then w = 2 arrives at t = 1 with sum w = 1 (not > 1): no spike.
    assert math.isinf(float(z_out[0, 0]))
    assert math.isinf(float(z_out[0, 1]))
    # Sample 1, neuron 1: the input with w = -1 never spikes; w = 2 alone gives z = 2.
    assert math.isinf(float(z_out[1, 0]))
    assert math.isclose(float(z_out[1, 1]), 2.0, rel_tol=1e-12)


def test_if_spike_time_gradient_matches_closed_form():
    z_in = torch.exp(torch.tensor([[0.0, 0.5, 1.0]], dtype=torch.float64))
    weight = torch.tensor([[0.6, 0.6, 0.6]], dtype=torch.float64, requires_grad=True)
    z_out = if_spike_time(z_in, weight)
    z_out.sum().backward()
    # dz_out/dw_i = (z_i - z_out) / (sum_C w - 1)
    expected = (z_in - z_out.detach()) / 0.8
    torch.testing.assert_close(weight.grad, expected)


def test_latency_spikes_times():
    x = torch.tensor([[1.0, 0.5, 0.0]])
    raster = latency_spikes(x, steps=11)
    assert raster.shape == (11, 1, 3)
    assert raster[:, 0, 0].nonzero().flatten().tolist() == [0]
    assert raster[:, 0, 1].nonzero().flatten().tolist() == [5]
    assert raster[:, 0, 2].sum() == 0


def test_latency_spikes_threshold_is_strict():
    # Pixels at min_intensity stay silent, pixels just above it spike.
    x = torch.tensor([[0.25, 0.5]])
    raster = latency_spikes(x, steps=5, min_intensity=0.25)
    assert raster[:, 0, 0].sum() == 0
    assert raster[:, 0, 1].nonzero().flatten().tolist() == [2]


def test_poisson_spikes_rate():
    generator = torch.Generator().manual_seed(0)
    raster = poisson_spikes(torch.tensor([[1.0, 0.2, 0.0]]), 20000, 0.5, generator)
    rates = raster.mean(dim=0)[0]
    assert abs(float(rates[0]) - 0.5) < 0.02
    assert abs(float(rates[1]) - 0.1) < 0.02
    assert float(rates[2]) == 0.0
