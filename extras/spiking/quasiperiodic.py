"""Stochastic neurons from quasi-periodic, event-driven finite-state machines.

Mostafa and Indiveri, "Stochastic interpretation of quasi-periodic event-based
systems", arXiv:1512.02930, 2015. Each neuron is a two-state ("on"/"off") machine that
changes state only at the events of its own oscillator, of frequency f_i. Nothing in
the system draws random numbers. At its k-th event, at time t = (k + φ_i)/f_i, neuron i
reads the phase ψ_i(t) = frac(g_i t + θ_i) of a second local oscillator and sets

.. math::
    s_i = [\\,ψ_i(t) < σ(u_i)\\,], \\qquad u_i = b_i + \\sum_j w_{ij} s_j

When the frequencies {f_i, g_i} are rationally independent, the phases seen at the
events are equidistributed on the torus (Weyl), so they act as uniform random numbers
and the network runs as an asynchronous Gibbs sampler of the Boltzmann distribution.
With rational frequency ratios the same system locks into a short cycle.

The demo samples a restricted Boltzmann machine with 6 visible and 4 hidden units,
whose 1,024 joint states are enumerated exactly. It compares the visible marginal of
the event sequence with the exact one. The controls are the same system with rational
frequency ratios, Gibbs sampling with pseudo-random numbers for the same events, and
the same phase values with each neuron's sequence shuffled. The phases a neuron reads
are equidistributed, but consecutive ones differ by the constant frac(g_i / f_i). That
serial structure, not the distribution of the values, leaves the KL bias that does
not shrink with more events. Shuffling brings the KL down to the Gibbs level.

A second machine, :func:`run_two_oscillators`, switches off -> on at the events of an
"on" oscillator and on -> off at those of an "off" oscillator, with frequency ratio
r = f_on / f_off set by u_i. With equidistributed phases the machine turns on at every
on-event when r <= 1 and stays on for half an off-period on average, so its time
fraction "on" is r/2, and 1 - 1/(2r) when r >= 1. Equal exponential modulation,
r = e^u, would give the Laplace CDF, so :func:`logistic_rate_ratio` picks r(u) so that
the fraction is σ(u). The network then samples the RBM by dwell time.

NOTE: both state-update rules are reconstructed from the paper's abstract
(incommensurable oscillators, event-triggered transitions, an FSM read as a Markov
chain). The paper's own FSMs may differ from either.
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass

import numpy as np
from scipy.special import rel_entr

from ..registry import Criterion, at_least, at_most, register

logger = logging.getLogger(__name__)

# Largest |u| that logistic_rate_ratio uses. Beyond it, σ(u) is within 2e-22 of 0 or 1.
RATE_INPUT_LIMIT = 50.0


@dataclass
class Config:
    """Settings of the quasi-periodic sampling experiment.

    Attributes:
        visible: visible units of the RBM.
        hidden: hidden units of the RBM.
        weight_std: standard deviation of the RBM weights.
        bias_std: standard deviation of the RBM biases.
        events: neuron updates (oscillator events) simulated per sampler.
        oscillator_events: state changes simulated for the two-oscillator machine.
        sweep_points: input values u in [-4, 4] for the single-neuron check.
        sweep_events: events per input value in the single-neuron check.
        seed: seed of the RBM parameters, the phases and the pseudo-random control.
    """

    visible: int = 6
    hidden: int = 4
    weight_std: float = 1.0
    bias_std: float = 0.5
    events: int = 2_000_000
    oscillator_events: int = 200_000
    sweep_points: int = 33
    sweep_events: int = 20_000
    seed: int = 0

    def __post_init__(self) -> None:
        if not (1 <= self.visible <= 12 and 1 <= self.hidden <= 12):
            raise ValueError(
                f"visible={self.visible}, hidden={self.hidden}: each must be in [1, 12] "
                "so that the exact distribution can be enumerated"
            )
        for name in ("events", "oscillator_events", "sweep_points", "sweep_events"):
            if getattr(self, name) < 2:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected >= 2"
                )
        for name in ("weight_std", "bias_std"):
            value = getattr(self, name)
            if not 0 <= value < math.inf:
                # An infinite standard deviation draws inf weights, and inf - inf
                # inputs make NaN sigmoid values.
                raise ValueError(f"{name}={value} is invalid. Use a finite value >= 0.")

    @classmethod
    def smoke(cls) -> Config:
        """Return the variant that runs in a few seconds."""
        return cls(
            events=20_000, oscillator_events=5_000, sweep_points=9, sweep_events=2_000
        )


def _primes(count: int) -> list[int]:
    """Return the first ``count`` prime numbers."""
    primes: list[int] = []
    candidate = 2
    while len(primes) < count:
        if all(candidate % p for p in primes if p * p <= candidate):
            primes.append(candidate)
        candidate += 1
    return primes


def incommensurable_frequencies(
    count: int, f0: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Return event frequencies f_i and phase frequencies g_i, rationally independent.

    f_i = f0 (1 + 0.2 frac(√p_i)) and g_i = f0 π (1 + 0.2 frac(√p_{count+i})), with p_k
    the k-th prime. Square roots of distinct primes and 1 are linearly independent over
    the rationals, and π is transcendental. So no integer vector k ≠ 0 gives
    Σ_i k_i f_i + k'_i g_i = 0, and the joint phase flow is equidistributed on the torus.
    A formula such as frac(i √2 + √3) would not do: it puts every f_i in the span of 1,
    √2 and √3, and for i = 1, 2, 3 it gives the resonance f_1 - 2 f_2 + f_3 = 0.
    """
    roots = np.sqrt(np.array(_primes(2 * count), dtype=np.float64))
    f = f0 * (1.0 + 0.2 * np.mod(roots[:count], 1.0))
    g = f0 * (1.0 + 0.2 * np.mod(roots[count:], 1.0)) * math.pi
    return f, g


def rational_frequencies(count: int, f0: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return the commensurate control: f_i = f0 (1 + i/10), g_i = f_i (q_i + 1)/q_i."""
    index = np.arange(1, count + 1)
    f = f0 * (1.0 + index / 10.0)
    q = 2.0 + (index % 3)
    return f, f * (q + 1.0) / q


def event_schedule(
    f: np.ndarray, phase: np.ndarray, events: int
) -> tuple[np.ndarray, np.ndarray]:
    """Merge the event trains t = (k + φ_i)/f_i of all neurons; return (times, neuron)."""
    horizon = (events + 1) / f.sum()
    per_neuron = [
        np.arange(phase[i], horizon * f[i] + 1.0) / f[i] for i in range(len(f))
    ]
    times = np.concatenate(per_neuron)
    owners = np.concatenate([np.full(len(t), i) for i, t in enumerate(per_neuron)])
    order = np.argsort(times, kind="stable")[:events]
    return times[order], owners[order]


def _sigmoid(u: float) -> float:
    # math.exp raises OverflowError above about 709, so only e^(-|u|) is formed.
    if u >= 0:
        return 1.0 / (1.0 + math.exp(-u))
    decay = math.exp(u)
    return decay / (1.0 + decay)


def run_sampler(
    coupling: np.ndarray,
    bias: np.ndarray,
    owners: np.ndarray,
    uniforms: np.ndarray,
    visible: int,
) -> np.ndarray:
    """Update s_i = [uniform < σ(u_i)] at each event; return visible-state counts.

    Args:
        coupling (np.ndarray): symmetric ``[N, N]`` weights with zero diagonal.
        bias (np.ndarray): ``[N]``.
        owners (np.ndarray): the neuron of each event, in time order.
        uniforms (np.ndarray): the number compared with σ(u) at each event (oscillator
            phase, or pseudo-random for the control).
        visible (int): the first ``visible`` units are visible.
    """
    n = len(bias)
    state = np.zeros(n)
    weights = [coupling[i].tolist() for i in range(n)]
    bias_list = bias.tolist()
    powers = [1 << i for i in range(visible)]
    counts = np.zeros(1 << visible)
    code = 0
    for neuron, uniform in zip(owners.tolist(), uniforms.tolist()):
        row = weights[neuron]
        u = bias_list[neuron] + sum(row[j] for j in range(n) if state[j])
        new = 1.0 if uniform < _sigmoid(u) else 0.0
        if neuron < visible and new != state[neuron]:
            code += powers[neuron] if new else -powers[neuron]
        state[neuron] = new
        counts[code] += 1
    return counts


def logistic_rate_ratio(u: np.ndarray) -> np.ndarray:
    """Return r = f_on / f_off whose two-oscillator "on" fraction is σ(u).

    r = 2σ(u) for u <= 0 (fraction r/2) and r = 1 / (2(1 - σ(u))) = (1 + e^u)/2 for
    u > 0 (fraction 1 - 1/(2r)).

    u is clipped to [-50, 50], where σ(u) is within 2e-22 of 0 or 1, so r stays
    finite and positive. Without the clip, e^u overflows for |u| > 709, giving r = 0
    or inf and NaN phases in :func:`run_two_oscillators`.
    """
    u = np.clip(u, -RATE_INPUT_LIMIT, RATE_INPUT_LIMIT)
    negative = 2.0 / (1.0 + np.exp(-np.minimum(u, 0.0)))
    positive = 0.5 * (1.0 + np.exp(np.maximum(u, 0.0)))
    return np.where(u <= 0.0, negative, positive)


def run_two_oscillators(
    coupling: np.ndarray,
    bias: np.ndarray,
    frequency: np.ndarray,
    phases: np.ndarray,
    events: int,
    visible: int,
) -> np.ndarray:
    """Simulate the two-oscillator machines and return the visible-state dwell times.

    Neuron i has an "on" oscillator of frequency f_i sqrt(r) and an "off" oscillator of
    frequency f_i / sqrt(r), with r from :func:`logistic_rate_ratio` of u_i. Both run
    all the time, but only the one that leads out of the current state triggers a
    transition. Between transitions every u_i is constant, so the next transition is
    found exactly from the phases.

    Args:
        coupling (np.ndarray): symmetric ``[N, N]`` weights with zero diagonal.
        bias (np.ndarray): ``[N]``.
        frequency (np.ndarray): base frequencies f_i, ``[N]``.
        phases (np.ndarray): initial phases of the on and off oscillators, ``[2, N]``.
        events (int): number of transitions to simulate.
        visible (int): the first ``visible`` units are visible.

    Returns:
        np.ndarray: time spent in each visible state, rescaled to sum to ``events``.
    """
    n = len(bias)
    state = np.zeros(n)
    phase_on, phase_off = phases[0].copy(), phases[1].copy()
    dwell = np.zeros(1 << visible)
    code = 0
    for _ in range(events):
        u = bias + coupling @ state
        root_ratio = np.sqrt(logistic_rate_ratio(u))
        rate_on = frequency * root_ratio
        rate_off = frequency / root_ratio
        wait = np.where(
            state > 0, (1.0 - phase_off) / rate_off, (1.0 - phase_on) / rate_on
        )
        neuron = int(np.argmin(wait))
        dt = wait[neuron]
        dwell[code] += dt
        phase_on = np.mod(phase_on + rate_on * dt, 1.0)
        phase_off = np.mod(phase_off + rate_off * dt, 1.0)
        # The oscillator that fired is exactly at phase 0. Rounding must not leave it
        # just below 1, where it would fire again at once.
        if state[neuron]:
            phase_off[neuron] = 0.0
        else:
            phase_on[neuron] = 0.0
        state[neuron] = 1.0 - state[neuron]
        if neuron < visible:
            code += (1 << neuron) if state[neuron] else -(1 << neuron)
    return dwell * events / dwell.sum()


def exact_visible_marginal(w: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Enumerate p(v) ∝ Σ_h exp(aᵀv + bᵀh + vᵀW h); index v as Σ_i v_i 2^i."""
    visible, hidden = w.shape
    v_states = np.array(list(itertools.product([0, 1], repeat=visible)))[:, ::-1]
    h_states = np.array(list(itertools.product([0, 1], repeat=hidden)))
    log_joint = (
        v_states @ a[:, None] + (h_states @ b)[None, :] + v_states @ w @ h_states.T
    )
    log_marginal = np.logaddexp.reduce(log_joint, axis=1)
    codes = v_states @ (1 << np.arange(visible))
    p = np.exp(log_marginal - np.logaddexp.reduce(log_marginal))
    out = np.zeros_like(p)
    out[codes] = p
    return out


def kl_to_empirical(exact: np.ndarray, counts: np.ndarray) -> float:
    """Return KL(exact ‖ empirical) in nats.

    The empirical distribution adds 1/2 to each count. States with exact probability 0
    (underflow for large weights) add 0, because 0 log 0 = 0.
    """
    empirical = (counts + 0.5) / (counts.sum() + 0.5 * len(counts))
    return float(np.sum(rel_entr(exact, empirical)))


def single_neuron_sweep(config: Config) -> float:
    """Return max_u |fraction of 'on' events - σ(u)| for one neuron with fixed input."""
    f, g = incommensurable_frequencies(1)
    k = np.arange(config.sweep_events)
    phases = np.mod(g[0] * (k + 0.5) / f[0] + 0.25, 1.0)
    worst = 0.0
    for u in np.linspace(-4.0, 4.0, config.sweep_points):
        worst = max(worst, abs(float(np.mean(phases < _sigmoid(u))) - _sigmoid(u)))
    return worst


@register(
    "quasiperiodic",
    title="Stochastic interpretation of quasi-periodic event-based systems",
    summary="oscillator-driven FSM neurons sample a 6x4 RBM without random numbers",
    issue_group=12,
)
def run(config: Config) -> dict[str, float]:
    """Sample the RBM with incommensurable, rational and pseudo-random drives."""
    rng = np.random.default_rng(config.seed)
    w = rng.normal(0.0, config.weight_std, size=(config.visible, config.hidden))
    a = rng.normal(0.0, config.bias_std, size=config.visible)
    b = rng.normal(0.0, config.bias_std, size=config.hidden)
    n = config.visible + config.hidden
    coupling = np.zeros((n, n))
    coupling[: config.visible, config.visible :] = w
    coupling[config.visible :, : config.visible] = w.T
    bias = np.concatenate([a, b])
    exact = exact_visible_marginal(w, a, b)

    phase_f = rng.uniform(size=n)
    phase_g = rng.uniform(size=n)
    metrics: dict[str, float] = {}
    for name, (f, g) in (
        ("quasiperiodic", incommensurable_frequencies(n)),
        ("rational", rational_frequencies(n)),
    ):
        offset = phase_f if name == "quasiperiodic" else np.zeros(n)
        times, owners = event_schedule(f, offset, config.events)
        uniforms = np.mod(g[owners] * times + phase_g[owners], 1.0)
        counts = run_sampler(coupling, bias, owners, uniforms, config.visible)
        metrics[f"{name}_kl"] = kl_to_empirical(exact, counts)
        if name == "quasiperiodic":
            # Same event order and count, pseudo-random numbers: ordinary Gibbs sampling.
            counts = run_sampler(
                coupling,
                bias,
                owners,
                rng.uniform(size=len(owners)),
                config.visible,
            )
            metrics["pseudo_random_gibbs_kl"] = kl_to_empirical(exact, counts)
            # Shuffle each neuron's phase values. This isolates the cost of the serial
            # structure, because a neuron's phase advances by frac(g_i / f_i).
            shuffler = np.random.default_rng(config.seed + 1)
            shuffled = uniforms.copy()
            for i in range(n):
                mine = np.flatnonzero(owners == i)
                shuffled[mine] = shuffled[shuffler.permutation(mine)]
            counts = run_sampler(coupling, bias, owners, shuffled, config.visible)
            metrics["shuffled_phase_kl"] = kl_to_empirical(exact, counts)
    frequency, _ = incommensurable_frequencies(n)
    dwell = run_two_oscillators(
        coupling,
        bias,
        frequency,
        rng.uniform(size=(2, n)),
        config.oscillator_events,
        config.visible,
    )
    metrics["two_oscillator_kl"] = kl_to_empirical(exact, dwell)
    metrics["rational_over_quasiperiodic"] = (
        metrics["rational_kl"] / metrics["quasiperiodic_kl"]
    )
    metrics["single_neuron_max_error"] = single_neuron_sweep(config)
    logger.info(
        "KL quasi-periodic %.4f, rational %.4f, pseudo-random Gibbs %.4f, "
        "shuffled phases %.4f, two-oscillator %.4f",
        metrics["quasiperiodic_kl"],
        metrics["rational_kl"],
        metrics["pseudo_random_gibbs_kl"],
        metrics["shuffled_phase_kl"],
        metrics["two_oscillator_kl"],
    )
    return metrics


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Return the criteria: KL < 0.05 nats for both machines, the rational control
    >= 5x worse, and the single neuron within 0.03 of σ."""
    return [
        at_most("quasiperiodic_kl", metrics["quasiperiodic_kl"], 0.05, " nats"),
        at_most("two_oscillator_kl", metrics["two_oscillator_kl"], 0.05, " nats"),
        at_least(
            "rational_over_quasiperiodic",
            metrics["rational_over_quasiperiodic"],
            5.0,
            "x",
        ),
        at_most("single_neuron_max_error", metrics["single_neuron_max_error"], 0.03),
    ]
