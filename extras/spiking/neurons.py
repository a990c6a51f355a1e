"""Spiking neuron models shared by the spiking experiments.

* Spike functions: the Heaviside step Θ(x) in the forward pass, with a chosen
  derivative in the backward pass (fast sigmoid, boxcar, or the true derivative, which
  is zero almost everywhere).
* :func:`lif_step`: the discrete-time leaky integrate-and-fire neuron with a synaptic
  current, as in Neftci, Mostafa and Zenke, "Surrogate gradient learning in spiking
  neural networks", IEEE Signal Processing Magazine 36(6), 2019.
* :func:`decolle_step`: the DECOLLE neuron with synaptic, membrane and refractory
  traces (Kaiser, Mostafa and Neftci, "Synaptic plasticity dynamics for deep continuous
  local learning", Frontiers in Neuroscience 14, 2020).
* :func:`if_spike_time` and :func:`causal_set`: the first spike of a non-leaky
  integrate-and-fire neuron with exponentially decaying synaptic current, in closed form
  (Mostafa, "Supervised learning based on temporal coding in spiking neural networks",
  IEEE TNNLS 29(7), 2018).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

SURROGATES = ("fast_sigmoid", "boxcar", "true")


class _FastSigmoidSpike(torch.autograd.Function):
    """Θ(x) forward; dS/dx = 1 / (λ|x| + 1)² backward."""

    @staticmethod
    def forward(ctx, x: Tensor, scale: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.scale = scale
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        (x,) = ctx.saved_tensors
        return grad_output / (ctx.scale * x.abs() + 1.0) ** 2, None


class _BoxcarSpike(torch.autograd.Function):
    """Θ(x) forward; dS/dx = 1 for -0.5 < x <= 0.5 and 0 elsewhere (DECOLLE's smooth step)."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        (x,) = ctx.saved_tensors
        window = ((x > -0.5) & (x <= 0.5)).to(grad_output.dtype)
        return grad_output * window


def spike(x: Tensor, surrogate: str = "fast_sigmoid", scale: float = 100.0) -> Tensor:
    """Emit S = Θ(x) (1 where x > 0) with the named derivative in the backward pass.

    Args:
        x (Tensor): membrane potential minus threshold, any shape.
        surrogate (str, default "fast_sigmoid"): one of ``SURROGATES``. ``"true"`` keeps
            the derivative of the step itself, which is zero wherever it is defined.
        scale (float, default 100.0): λ of the fast sigmoid, 1 / (λ|x| + 1)².
    """
    if surrogate == "fast_sigmoid":
        return _FastSigmoidSpike.apply(x, scale)
    if surrogate == "boxcar":
        return _BoxcarSpike.apply(x)
    if surrogate == "true":
        # The step is flat on both sides of 0, so its derivative is 0 and the
        # output carries no gradient to x.
        return (x > 0).to(x.dtype).detach()
    raise ValueError(f"surrogate must be one of {SURROGATES}, got {surrogate!r}")


def lif_step(
    input_current: Tensor,
    syn: Tensor,
    mem: Tensor,
    alpha: float,
    beta: float,
    surrogate: str = "fast_sigmoid",
    threshold: float = 1.0,
) -> tuple[Tensor, Tensor, Tensor]:
    """Advance the current-based LIF neuron by one time step.

    .. math::
        S[t] = Θ(U[t] - ϑ), \\quad
        I[t+1] = α I[t] + W s_{in}[t], \\quad
        U[t+1] = (β U[t] + I[t]) (1 - S[t])

    The reset factor (1 - S[t]) is detached, so no gradient flows through the reset.

    Args:
        input_current (Tensor): W s_in[t], shape ``[B, N]``.
        syn (Tensor): synaptic current I[t], shape ``[B, N]``.
        mem (Tensor): membrane potential U[t], shape ``[B, N]``.
        alpha (float): exp(-dt / τ_syn).
        beta (float): exp(-dt / τ_mem).
        surrogate (str, default "fast_sigmoid"): derivative used for Θ, see :func:`spike`.
        threshold (float, default 1.0): ϑ.

    Returns:
        (S[t], I[t+1], U[t+1]), each of shape ``[B, N]``.
    """
    out = spike(mem - threshold, surrogate)
    new_syn = alpha * syn + input_current
    new_mem = (beta * mem + syn) * (1.0 - out.detach())
    return out, new_syn, new_mem


def decolle_step(
    spikes_in: Tensor,
    state: dict[str, Tensor],
    layer: torch.nn.Module,
    alpha: float,
    beta: float,
    alpha_rp: float = 0.65,
    w_rp: float = 1.0,
) -> tuple[Tensor, Tensor, dict[str, Tensor]]:
    """Advance one DECOLLE layer by one time step.

    .. math::
        Q[t+1] = β Q[t] + τ_s S_{in}[t], \\quad P[t+1] = α P[t] + τ_m Q[t], \\quad
        R[t+1] = α_{rp} R[t] - w_{rp} S[t], \\\\
        U[t+1] = W P[t+1] + R[t+1], \\quad S[t+1] = Θ(U[t+1])

    with τ_m = 1/(1 - α) and τ_s = 1/(1 - β). The traces P, Q, R and the previous spikes
    are detached before the update, so learning is local in time (no BPTT): the only
    path from the loss to W goes through W P at the current step.

    Args:
        spikes_in (Tensor): presynaptic spikes S_in, shape ``[B, N_in]``.
        state (dict): ``"P"``, ``"Q"`` of shape ``[B, N_in]`` and ``"R"``, ``"S"`` of shape
            ``[B, N_out]``. An empty dict starts from zeros.
        layer (torch.nn.Module): the synaptic map W, e.g. ``torch.nn.Linear(N_in, N_out)``.
        alpha (float): membrane trace decay α.
        beta (float): synaptic trace decay β.
        alpha_rp (float, default 0.65): refractory trace decay.
        w_rp (float, default 1.0): refractory jump per output spike.

    Returns:
        (S, U, new_state): spikes and membrane potential of shape ``[B, N_out]``.
    """
    if not state:
        zeros_in = spikes_in.new_zeros(spikes_in.shape)
        n_out = layer(zeros_in).shape[-1]
        zeros_out = spikes_in.new_zeros(spikes_in.shape[0], n_out)
        state = {"P": zeros_in, "Q": zeros_in, "R": zeros_out, "S": zeros_out}
    tau_m = 1.0 / (1.0 - alpha)
    tau_s = 1.0 / (1.0 - beta)
    q_prev = state["Q"].detach()
    q = beta * q_prev + tau_s * spikes_in
    p = alpha * state["P"].detach() + tau_m * q_prev
    r = alpha_rp * state["R"].detach() - w_rp * state["S"].detach()
    u = layer(p) + r
    s = spike(u, "boxcar")
    return s, u, {"P": p, "Q": q, "R": r, "S": s}


def causal_set(z_in: Tensor, weight: Tensor) -> Tensor:
    """Find, without gradients, which inputs arrive before each neuron's first spike.

    Neuron j with inputs sorted by arrival, z_(1) <= z_(2) <= ..., fires in the interval
    [z_(k), z_(k+1)) for the smallest k where Σ_{m<=k} w_(m) > 1 and the closed-form
    z_out of that prefix (see :func:`if_spike_time`) lies in the interval. The causal set
    is the first k inputs. A neuron with no such k never fires.

    Args:
        z_in (Tensor): exponentiated input spike times z = e^t, shape ``[B, N_in]``.
            ``inf`` marks an input that never spikes.
        weight (Tensor): shape ``[N_out, N_in]``.

    Returns:
        Tensor: float mask of shape ``[B, N_out, N_in]``, 1 for inputs in the causal set.
        Neurons that never fire get an all-zero row.

    Raises:
        ValueError: ``z_in`` or ``weight`` contains NaN. Every comparison with NaN is
            false, so a NaN input time would count as an input that never spikes.
    """
    for name, values in (("z_in", z_in), ("weight", weight)):
        nan_count = int(torch.isnan(values).sum())
        if nan_count:
            raise ValueError(
                f"{name} contains {nan_count} NaN values. Give spike times z = e^t "
                "(inf for no spike) and finite weights."
            )
    with torch.no_grad():
        order = torch.argsort(z_in, dim=1)  # [B, N_in]
        z_sorted = torch.gather(z_in, 1, order)  # [B, N_in]
        finite = torch.isfinite(z_sorted)
        z_safe = torch.where(finite, z_sorted, torch.zeros_like(z_sorted))
        w_sorted = weight[:, order].permute(1, 0, 2)  # [B, N_out, N_in]
        w_sorted = w_sorted * finite[:, None, :]
        w_cum = torch.cumsum(w_sorted, dim=2)
        wz_cum = torch.cumsum(w_sorted * z_safe[:, None, :], dim=2)
        z_cand = wz_cum / (w_cum - 1.0)
        z_next = torch.cat(
            [z_sorted[:, 1:], z_sorted.new_full((z_sorted.shape[0], 1), math.inf)], 1
        )
        valid = (w_cum > 1.0) & finite[:, None, :]
        valid &= (z_cand >= z_sorted[:, None, :]) & (z_cand < z_next[:, None, :])
        has_spike = valid.any(dim=2)  # [B, N_out]
        first = torch.argmax(valid.to(torch.uint8), dim=2)  # [B, N_out]
        rank = torch.arange(z_in.shape[1], device=z_in.device)
        in_prefix = rank[None, None, :] <= first[:, :, None]  # sorted positions
        in_prefix &= has_spike[:, :, None]
        mask = torch.zeros_like(w_sorted, dtype=torch.bool)
        mask.scatter_(2, order[:, None, :].expand_as(in_prefix), in_prefix)
    return mask.to(weight.dtype)


def if_spike_time(z_in: Tensor, weight: Tensor, no_spike: float = math.inf) -> Tensor:
    """Compute the first output spike of non-leaky IF neurons in the exponential domain.

    With synaptic kernel κ(t) = Θ(t) e^{-t} (τ = 1), threshold 1 and z = e^t, a neuron
    whose causal set is C fires at

    .. math::
        z_{out} = \\frac{\\sum_{i∈C} w_i z_i}{\\sum_{i∈C} w_i - 1}

    (Mostafa 2018, eq. 6). The causal set comes from :func:`causal_set` without
    gradients; the gradients then flow through this expression to ``z_in`` and ``weight``.

    Args:
        z_in (Tensor): input spike times as z = e^t, shape ``[B, N_in]``; ``inf`` for none.
        weight (Tensor): shape ``[N_out, N_in]``.
        no_spike (float, default inf): value returned for neurons that never fire.

    Returns:
        Tensor: z_out of shape ``[B, N_out]``.
    """
    mask = causal_set(z_in, weight)  # [B, N_out, N_in]
    z_safe = torch.where(torch.isfinite(z_in), z_in, torch.zeros_like(z_in))
    w_masked = weight[None, :, :] * mask
    numerator = (w_masked * z_safe[:, None, :]).sum(dim=2)
    denominator = w_masked.sum(dim=2) - 1.0
    fires = mask.sum(dim=2) > 0
    safe_denominator = torch.where(fires, denominator, torch.ones_like(denominator))
    z_out = numerator / safe_denominator
    return torch.where(fires, z_out, torch.full_like(z_out, no_spike))
