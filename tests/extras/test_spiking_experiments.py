"""Structural checks of the spiking and local-learning experiments on tiny inputs."""

import itertools
import math

import numpy as np
import pytest
import torch
from graphkit.extras.spiking import (
    decolle,
    local_errors,
    pipelined_ternary,
    quasiperiodic,
    temporal_coding,
    wta_stochastic,
)


def test_decolle_no_gradient_between_layers():
    config = decolle.Config(hidden=8)
    model = decolle.DecolleNetwork(config, torch.Generator().manual_seed(0))
    states = [{}, {}, {}]
    generator = torch.Generator().manual_seed(1)
    for _ in range(5):
        spikes = torch.bernoulli(torch.full((4, 64), 0.3), generator=generator)
        readouts, states = model.step(spikes, states)
    target = torch.nn.functional.one_hot(torch.arange(4), 10).float()
    losses = decolle.local_losses(readouts, target)
    weights = [layer.weight for layer in model.layers]
    for upper in range(3):
        grads = torch.autograd.grad(
            losses[upper], weights, allow_unused=True, retain_graph=True
        )
        for lower in range(upper):
            assert grads[lower] is None, f"loss {upper} reaches layer {lower}"
        assert grads[upper] is not None
    for readout in model.readouts:
        assert not readout.weight.requires_grad


def test_decolle_state_detached_between_steps():
    config = decolle.Config(hidden=8)
    model = decolle.DecolleNetwork(config, torch.Generator().manual_seed(0))
    spikes = torch.ones(2, 64)
    _readouts, states = model.step(spikes, [{}, {}, {}])
    for state in states:
        for name in ("P", "Q", "R"):
            assert not state[name].requires_grad, f"trace {name} keeps a graph"


def test_local_errors_no_gradient_between_layers():
    model = local_errors.LocalMLP(16, "local_errors", torch.Generator().manual_seed(0))
    x, y = torch.randn(5, 64), torch.arange(5)
    losses = local_errors.local_losses(model, x, y)
    weights = [layer.weight for layer in model.layers]
    for upper, loss in enumerate(losses):
        grads = torch.autograd.grad(loss, weights, allow_unused=True, retain_graph=True)
        for lower in range(upper):
            assert grads[lower] is None, f"loss {upper} reaches layer {lower}"
        assert grads[upper] is not None


def test_local_errors_fixed_classifiers_unchanged():
    model = local_errors.LocalMLP(16, "local_errors", torch.Generator().manual_seed(0))
    before = [m.clone() for m in model.classifiers]
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    loss = sum(
        local_errors.local_losses(model, torch.randn(8, 64), torch.arange(8) % 10)
    )
    loss.backward()
    optimizer.step()
    for m, m0 in zip(model.classifiers, before):
        torch.testing.assert_close(m, m0, rtol=0, atol=0)


def test_learning_rate_choice_rejects_tiny_rate():
    from graphkit.extras.common.data import load_digits_split

    config = local_errors.Config(
        hidden=16, epochs=2, learning_rates=(1e-9, 3e-3), selection_seeds=1
    )
    data = load_digits_split(seed=0)
    assert local_errors.choose_learning_rate(config, "backprop", data) == 3e-3
    single = local_errors.Config(learning_rates=(5e-4,))
    assert local_errors.choose_learning_rate(single, "backprop", data) == 5e-4


def test_feedback_alignment_uses_fixed_matrix():
    model = local_errors.LocalMLP(
        16, "feedback_alignment", torch.Generator().manual_seed(0)
    )
    x = torch.randn(3, 64, requires_grad=True)
    out = model._linear(0, x)
    grad_out = torch.randn_like(out)
    out.backward(grad_out)
    torch.testing.assert_close(x.grad, grad_out @ model.feedback[0])
    torch.testing.assert_close(model.layers[0].weight.grad, grad_out.t() @ x.detach())


def test_truncate_ternary_values():
    values = np.array([-0.3, -0.1, 0.0, 0.1, 0.25, 0.3])
    result = pipelined_ternary.truncate(values, 0.25)
    assert result.tolist() == [-1, 0, 0, 0, 0, 1]


def _binary_data(samples: int):
    rng = np.random.default_rng(0)
    x = (rng.uniform(size=(samples, 64)) < 0.3).astype(np.float64)
    y = rng.integers(0, 10, size=samples)
    return x, y


def test_ternary_training_has_no_multiplications():
    config = pipelined_ternary.Config(hidden=16, epochs=1)
    x, y = _binary_data(20)
    net = pipelined_ternary.BinaryNetwork([64, 16, 16, 10], np.random.default_rng(0))
    counter = pipelined_ternary.OpCounter()
    pipelined_ternary.train_pipelined(net, x, y, np.arange(20), config, counter)
    assert counter.multiplications == 0
    assert counter.additions > 0
    # Layer l (0-based) waits 2 (L - 1 - l) clocks for its error: L = 3 layers.
    assert counter.fifo_peak == {0: 5, 1: 3, 2: 1}


def test_pipeline_matches_synchronous_for_one_sample():
    # With a single sample nothing overlaps, so both schedules apply the same update.
    config = pipelined_ternary.Config(hidden=16, epochs=1, threshold_hidden=0.05)
    x, y = _binary_data(1)
    start = pipelined_ternary.BinaryNetwork([64, 16, 16, 10], np.random.default_rng(0))
    synchronous, pipelined = start.copy(), start.copy()
    order = np.array([0])
    counter = pipelined_ternary.OpCounter()
    pipelined_ternary.train_synchronous(synchronous, x, y, order, config, True, counter)
    pipelined_ternary.train_pipelined(pipelined, x, y, order, config, counter)
    for w_sync, w_pipe, w0 in zip(
        synchronous.weights, pipelined.weights, start.weights
    ):
        np.testing.assert_array_equal(w_sync, w_pipe)
    assert any(
        not np.array_equal(w, w0) for w, w0 in zip(pipelined.weights, start.weights)
    )


def test_pipeline_delays_updates():
    # Two samples: the first layer's update for sample 0 lands after the forward pass of
    # sample 1, so pipelined and synchronous weights differ.
    config = pipelined_ternary.Config(hidden=16, epochs=1, threshold_hidden=0.05)
    x, y = _binary_data(2)
    start = pipelined_ternary.BinaryNetwork([64, 16, 16, 10], np.random.default_rng(0))
    synchronous, pipelined = start.copy(), start.copy()
    counter = pipelined_ternary.OpCounter()
    order = np.array([0, 1])
    pipelined_ternary.train_synchronous(synchronous, x, y, order, config, True, counter)
    pipelined_ternary.train_pipelined(pipelined, x, y, order, config, counter)
    assert any(
        not np.array_equal(a, b) for a, b in zip(synchronous.weights, pipelined.weights)
    )


def test_wta_gaussian_moments_hand_values():
    layer = wta_stochastic.StochasticWTALayer(
        2, groups=1, group_size=1, release_prob=0.5
    )
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, 2.0]]))
        layer.bias.fill_(0.5)
    mean, var = layer.moments(torch.tensor([1.0, 1.0]))
    # μ = b + p Σ w x = 0.5 + 1.5;  σ² = p (1 - p) Σ w² x = 0.25 * 5
    torch.testing.assert_close(mean, torch.tensor([2.0]))
    torch.testing.assert_close(var, torch.tensor([1.25]))


def test_wta_winner_one_hot_per_group():
    layer = wta_stochastic.StochasticWTALayer(
        2, groups=2, group_size=3, release_prob=0.5
    )
    u = torch.tensor([[0.1, 0.9, 0.2, -1.0, -0.5, -2.0]])
    assert layer.winner(u).tolist() == [[0.0, 1.0, 0.0, 0.0, 1.0, 0.0]]


def test_wta_winner_straight_through_gradient():
    layer = wta_stochastic.StochasticWTALayer(
        2, groups=1, group_size=2, release_prob=0.5
    )
    u = torch.zeros(1, 2, requires_grad=True)
    out = layer.winner(u, temperature=2.0)
    assert out.tolist() == [[1.0, 0.0]]
    out[0, 0].backward()
    # The gradient is that of softmax(u / 2)_0 at s = (0.5, 0.5): s_0 (e_0 - s) / 2.
    torch.testing.assert_close(u.grad, torch.tensor([[0.125, -0.125]]))


@pytest.mark.parametrize(("release_prob", "expected"), [(0.0, 0.5), (1.0, 3.5)])
def test_wta_sampled_release_extremes(release_prob, expected):
    # No synapse releases at p = 0, so u is the bias 0.5. At p = 1 every synapse
    # releases, so u = 0.5 + 1 + 2.
    layer = wta_stochastic.StochasticWTALayer(
        2, groups=1, group_size=1, release_prob=release_prob
    )
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, 2.0]]))
        layer.bias.fill_(0.5)
    generator = torch.Generator().manual_seed(0)
    u = layer.sample_input(torch.ones(4, 2), generator)
    assert u.tolist() == [[expected]] * 4


def test_wta_conditional_nll_single_sample_is_bce():
    logits = torch.tensor([[[0.3, -1.2, 2.0]]])
    bottom = torch.tensor([[1.0, 0.0, 0.0]])
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[0], bottom, reduction="sum"
    )
    torch.testing.assert_close(
        wta_stochastic.conditional_nll(logits, bottom)[0], expected
    )


def test_wta_gaussian_check_small_error():
    torch.manual_seed(0)
    layer = wta_stochastic.StochasticWTALayer(
        32, groups=8, group_size=8, release_prob=0.5
    )
    x = (torch.arange(32) % 3 == 0).float()
    check = wta_stochastic.gaussian_check(layer, x, draws=20000, seed=0)
    assert check["mean_rel_error"] < 0.05
    assert check["var_rel_error"] < 0.05


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closed_form_matches_event_simulation(seed):
    generator = torch.Generator().manual_seed(seed)
    t_in = torch.rand(4, 12, generator=generator, dtype=torch.float64) * 2.0
    t_in[0, 3] = math.inf  # an input that never spikes
    weight = torch.randn(6, 12, generator=generator, dtype=torch.float64) * 0.3 + 0.12
    error, mismatches = temporal_coding.closed_form_error(torch.exp(t_in), weight)
    assert mismatches == 0
    assert error < 1e-9


def test_event_simulation_hand_value():
    # A single input of weight 2 at t = 0: V(t) = 2 (1 - e^{-t}) = 1 at t = ln 2.
    t = temporal_coding.simulate_first_spike(np.array([0.0]), np.array([2.0]))
    assert math.isclose(t, math.log(2.0), abs_tol=1e-10)
    assert math.isinf(
        temporal_coding.simulate_first_spike(np.array([0.0]), np.array([0.9]))
    )


def test_rbm_marginal_matches_free_energy():
    rng = np.random.default_rng(0)
    w, a, b = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=2)
    p = quasiperiodic.exact_visible_marginal(w, a, b)
    # p(v) ∝ exp(aᵀv) Π_j (1 + exp(b_j + vᵀ W_j)), with v indexed as Σ v_i 2^i.
    unnormalized = []
    for code in range(8):
        v = np.array([(code >> i) & 1 for i in range(3)], dtype=float)
        unnormalized.append(np.exp(a @ v) * np.prod(1.0 + np.exp(b + v @ w)))
    expected = np.array(unnormalized) / np.sum(unnormalized)
    np.testing.assert_allclose(p, expected, rtol=1e-12)


def test_kl_to_empirical_hand_value():
    exact = np.array([0.5, 0.5])
    counts = np.array([2.5, 0.5])  # smoothed: (3, 1) / 4
    expected = 0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)
    assert math.isclose(
        quasiperiodic.kl_to_empirical(exact, counts), expected, rel_tol=1e-12
    )


def test_frequency_ratios_rational_and_not():
    f, g = quasiperiodic.rational_frequencies(4)
    for ratio in g / f:
        assert any(abs(ratio * q - round(ratio * q)) < 1e-9 for q in range(1, 10))
    f, g = quasiperiodic.incommensurable_frequencies(4)
    for ratio in g / f:
        assert all(abs(ratio * q - round(ratio * q)) > 1e-6 for q in range(1, 100))


def _smallest_resonance(frequencies: np.ndarray) -> float:
    """Return min |k . frequencies| over integer vectors k != 0 with entries in [-2, 2]."""
    grid = np.array(list(itertools.product(range(-2, 3), repeat=len(frequencies))))
    grid = grid[np.any(grid != 0, axis=1)]
    return float(np.abs(grid @ frequencies).min())


def test_incommensurable_frequencies_no_resonance():
    f, g = quasiperiodic.incommensurable_frequencies(4)
    assert _smallest_resonance(np.concatenate([f, g])) > 1e-6
    # The check can fail: frac(i sqrt(2) + sqrt(3)) gives f_1 - 2 f_2 + f_3 = 0.
    i = np.arange(1, 5)
    resonant = 1.0 + 0.2 * np.mod(i * np.sqrt(2) + np.sqrt(3), 1.0)
    assert _smallest_resonance(resonant) < 1e-12


@pytest.mark.parametrize("u", [-2.0, -0.5, 1.5])
def test_two_oscillator_neuron_on_fraction(u):
    # One neuron with a constant input spends the fraction σ(u) of its time "on". At
    # u = 0 the two frequencies are equal, so the phases lock and the check would fail.
    dwell = quasiperiodic.run_two_oscillators(
        np.zeros((1, 1)),
        np.array([u]),
        np.array([1.0]),
        np.array([[0.3], [0.7]]),
        events=4001,
        visible=1,
    )
    on_fraction = dwell[1] / dwell.sum()
    assert abs(on_fraction - 1.0 / (1.0 + math.exp(-u))) < 0.01


def test_logistic_rate_ratio_values():
    ratio = quasiperiodic.logistic_rate_ratio(np.array([-1.0, 0.0, 2.0]))
    sigma = 1.0 / (1.0 + np.exp(-np.array([-1.0, 0.0, 2.0])))
    # "on" fraction r/2 below r = 1, 1 - 1/(2r) above.
    np.testing.assert_allclose(ratio[0] / 2.0, sigma[0], rtol=1e-12)
    assert ratio[1] == 1.0
    np.testing.assert_allclose(1.0 - 1.0 / (2.0 * ratio[2]), sigma[2], rtol=1e-12)


def test_ternary_update_signs_and_count():
    # W -= eta e x^T and b -= eta e: row 0 (e = +1) goes down and row 1 (e = -1) up,
    # at the active inputs 0 and 2 only. Each of the 2 non-zero errors costs 3
    # additions (2 active inputs and the bias).
    net = pipelined_ternary.BinaryNetwork([3, 3], np.random.default_rng(0))
    net.weights[0][:] = 0.0
    counter = pipelined_ternary.OpCounter()
    error = np.array([1, -1, 0])
    x = np.array([1.0, 0.0, 1.0])
    pipelined_ternary.ternary_update(net, 0, error, x, 0.5, counter)
    assert net.weights[0].tolist() == [
        [-0.5, 0.0, -0.5],
        [0.5, 0.0, 0.5],
        [0.0, 0.0, 0.0],
    ]
    assert net.biases[0].tolist() == [-0.5, 0.5, 0.0]
    assert counter.additions == 6
    assert counter.nonzero_errors == 2
    assert counter.error_entries == 3


def test_conditional_nll_averages_over_samples():
    # Zero logits give p(bottom | h_k) = 2^-32 for each of the K = 3 samples, so
    # -log of their mean is 32 ln 2.
    logits = torch.zeros(3, 2, 32)
    bottom = torch.ones(2, 32)
    nll = wta_stochastic.conditional_nll(logits, bottom)
    torch.testing.assert_close(nll, torch.full((2,), 32 * math.log(2)))


def test_split_halves_threshold_inclusive():
    # Digits scaled by 1/16 take the value 0.5 (pixel 8), which counts as on.
    x = torch.zeros(1, 64)
    x[0, 0] = 0.5
    x[0, 1] = 0.49
    x[0, 32] = 1.0
    top, bottom = wta_stochastic._split_halves(x)
    assert top[0, :2].tolist() == [1.0, 0.0]
    assert bottom[0, 0].item() == 1.0
    assert top.shape == (1, 32)
    assert bottom.shape == (1, 32)
