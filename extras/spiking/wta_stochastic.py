"""Winner-take-all networks with stochastic synapses as conditional generative models.

Mostafa and Cauwenberghs, "A learning framework for winner-take-all networks with
stochastic synapses", Neural Computation 30(6), 2018 (arXiv:1708.04251). Each hidden
layer is a set of WTA groups; in every group exactly one neuron, the one with the
largest input, is active. A synapse transmits its presynaptic spike with probability p,
so for binary inputs x the input of neuron j is

.. math::
    u_j = b_j + \\sum_i w_{ij} ξ_{ij} x_i, \\qquad ξ_{ij} \\sim \\mathrm{Bernoulli}(p)

Summed over many synapses, u_j is close to Gaussian with mean μ_j = b_j + p Σ_i w_ij x_i
and variance σ_j² = p (1 - p) Σ_i w_ij² x_i. Training samples u = μ + σ ε from that
Gaussian and passes gradients through the WTA by straight-through: the forward pass
keeps the hard one-hot winner, the backward pass uses softmax(u / τ). The objective is
the K-sample lower bound on the conditional log-likelihood,

.. math::
    \\log p(y | x) \\ge \\mathbb{E}\\left[\\log \\frac{1}{K} \\sum_{k=1}^K p(y | h_k)\\right]

with h_k the WTA states of sample k and p(y | h) a product of Bernoulli pixels. The task
is structured output prediction: complete the bottom half of a binarized digit from its
top half. Evaluation draws the actual Bernoulli synaptic failures, not the Gaussian.

NOTE: the release probability is fixed and shared by all synapses and the output layer
is a deterministic linear map of the last WTA layer. These details are reconstructed
from the paper's abstract, not checked against its full text.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ..common.data import load_digits_split
from ..common.train import minibatches, seed_everything
from ..registry import Criterion, at_least, at_most, register

logger = logging.getLogger(__name__)


@dataclass
class Config:
    """Settings of the stochastic-synapse WTA experiment.

    Attributes:
        groups: WTA groups per hidden layer.
        group_size: neurons per WTA group.
        release_prob: probability p that a synapse transmits a presynaptic spike.
        temperature: τ of the softmax used in the backward pass of the WTA.
        train_samples: K of the training bound.
        eval_samples: K of the test log-likelihood estimate.
        epochs: passes over the 1,437 training digits.
        batch_size: digits per Adam step.
        lr: Adam learning rate.
        gaussian_draws: Bernoulli draws used to check the Gaussian approximation.
        output_dir: folder for ``wta_samples.png``.
        seed: seed of the data split, weights and noise.
    """

    groups: int = 8
    group_size: int = 8
    release_prob: float = 0.5
    temperature: float = 1.0
    train_samples: int = 20
    eval_samples: int = 100
    epochs: int = 60
    batch_size: int = 64
    lr: float = 3e-3
    gaussian_draws: int = 10_000
    output_dir: str = "runs/extras/wta_stochastic"
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("groups", "group_size", "train_samples", "eval_samples", "epochs"):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid. Use a value >= 1."
                )
        if self.batch_size < 1:
            raise ValueError(
                f"batch_size={self.batch_size} is invalid. Use a value >= 1."
            )
        if self.eval_samples < 2:
            # sample_hamming averages over pairs of distinct samples, so it needs two.
            raise ValueError(
                f"eval_samples={self.eval_samples} is invalid. Use a value >= 2."
            )
        if self.gaussian_draws < 2:
            raise ValueError(
                f"gaussian_draws={self.gaussian_draws} is invalid; expected >= 2"
            )
        if not 0 < self.release_prob < 1:
            raise ValueError(
                f"release_prob={self.release_prob} is invalid; expected in (0, 1)"
            )
        for name in ("temperature", "lr"):
            if not getattr(self, name) > 0:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected > 0"
                )
        if math.isinf(self.lr):
            # inf passes a > 0 check but turns the weights into inf and NaN.
            raise ValueError(f"lr={self.lr} is invalid; expected a finite value > 0")

    @classmethod
    def smoke(cls) -> Config:
        """Return the variant that runs in a few seconds (samples go to a temp folder)."""
        folder = os.path.join(tempfile.gettempdir(), "graphkit-extras-wta-smoke")
        return cls(epochs=3, eval_samples=20, gaussian_draws=1000, output_dir=folder)


class StochasticWTALayer(nn.Module):
    """Binary inputs -> WTA groups through synapses that fail with probability 1 - p.

    Shapes:
        input: ``[..., N_in]`` in {0, 1}.
        output: ``[..., groups * group_size]``, one-hot within each group.
    """

    def __init__(
        self, n_in: int, groups: int, group_size: int, release_prob: float
    ) -> None:
        super().__init__()
        self.groups, self.group_size, self.p = groups, group_size, release_prob
        n_out = groups * group_size
        self.weight = nn.Parameter(torch.randn(n_out, n_in) * (2.0 / math.sqrt(n_in)))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def moments(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Return μ and σ² of the summed synaptic input (Gaussian approximation)."""
        mean = self.bias + self.p * (x @ self.weight.t())
        var = self.p * (1.0 - self.p) * (x @ (self.weight**2).t())
        return mean, var

    def sample_input(
        self, x: Tensor, generator: torch.Generator | None = None
    ) -> Tensor:
        """Draw u with actual Bernoulli synaptic transmission, shape ``[..., N_out]``."""
        release = (
            torch.rand(*x.shape[:-1], *self.weight.shape, generator=generator) < self.p
        )
        return self.bias + (release * self.weight * x.unsqueeze(-2)).sum(-1)

    def winner(self, u: Tensor, temperature: float | None = None) -> Tensor:
        """One-hot arg-max per group; with a temperature, straight-through softmax grads."""
        grouped = u.unflatten(-1, (self.groups, self.group_size))
        hard = nn.functional.one_hot(grouped.argmax(-1), self.group_size).to(u.dtype)
        if temperature is not None:
            soft = torch.softmax(grouped / temperature, dim=-1)
            hard = hard + soft - soft.detach()
        return hard.flatten(-2)

    def forward_relaxed(self, x: Tensor, temperature: float) -> Tensor:
        mean, var = self.moments(x)
        u = mean + var.clamp_min(1e-12).sqrt() * torch.randn_like(mean)
        return self.winner(u, temperature)

    def forward_sampled(
        self, x: Tensor, generator: torch.Generator | None = None
    ) -> Tensor:
        return self.winner(self.sample_input(x, generator))


class WTAPredictor(nn.Module):
    """Top half (32 pixels) -> two stochastic WTA layers -> 32 Bernoulli logits."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        n_hidden = config.groups * config.group_size
        self.layer1 = StochasticWTALayer(
            32, config.groups, config.group_size, config.release_prob
        )
        self.layer2 = StochasticWTALayer(
            n_hidden, config.groups, config.group_size, config.release_prob
        )
        self.output = nn.Linear(n_hidden, 32)

    def logits(
        self, top: Tensor, samples: int, temperature: float | None = None
    ) -> Tensor:
        """Return output logits of shape ``[K, B, 32]`` for K samples of the WTA states."""
        x = top.unsqueeze(0).expand(samples, *top.shape)
        if temperature is None:
            h = self.layer2.forward_sampled(self.layer1.forward_sampled(x))
        else:
            h1 = self.layer1.forward_relaxed(x, temperature)
            h = self.layer2.forward_relaxed(h1, temperature)
        return self.output(h)


def conditional_nll(logits: Tensor, bottom: Tensor) -> Tensor:
    """Return -log (1/K) Σ_k p(bottom | h_k) per digit, shape ``[B]``, from ``[K, B, 32]``."""
    log_p = -nn.functional.binary_cross_entropy_with_logits(
        logits, bottom.expand_as(logits), reduction="none"
    ).sum(-1)
    return -(torch.logsumexp(log_p, dim=0) - math.log(logits.shape[0]))


def _split_halves(x: Tensor) -> tuple[Tensor, Tensor]:
    binary = (x >= 0.5).float()
    return binary[:, :32], binary[:, 32:]


def _train(model: WTAPredictor, top: Tensor, bottom: Tensor, config: Config) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed + 1)
    for epoch in range(config.epochs):
        total = 0.0
        for batch in minibatches(len(top), config.batch_size, generator):
            logits = model.logits(top[batch], config.train_samples, config.temperature)
            loss = conditional_nll(logits, bottom[batch]).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch)
        if epoch % 25 == 0 or epoch == config.epochs - 1:
            logger.debug("epoch %d bound NLL %.3f", epoch, total / len(top))


def _train_mlp(top: Tensor, bottom: Tensor, config: Config) -> nn.Module:
    """Deterministic MLP of the same width: one mean prediction per top half."""
    n_hidden = config.groups * config.group_size
    mlp = nn.Sequential(
        nn.Linear(32, n_hidden),
        nn.ReLU(),
        nn.Linear(n_hidden, n_hidden),
        nn.ReLU(),
        nn.Linear(n_hidden, 32),
    )
    optimizer = torch.optim.Adam(mlp.parameters(), lr=1e-3, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(config.seed + 2)
    for _ in range(config.epochs):
        for batch in minibatches(len(top), config.batch_size, generator):
            loss = nn.functional.binary_cross_entropy_with_logits(
                mlp(top[batch]), bottom[batch], reduction="sum"
            ) / len(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return mlp


@torch.no_grad()
def gaussian_check(layer: StochasticWTALayer, x: Tensor, draws: int, seed: int) -> dict:
    """Compare μ, σ² with the mean and variance of u over Bernoulli synapse draws.

    Returns the relative L2 errors ``mean_rel_error`` = ||m̂ - μ|| / ||μ|| and
    ``var_rel_error`` = ||v̂ - σ²|| / ||σ²|| for the single input ``x`` of shape ``[N_in]``.
    """
    generator = torch.Generator().manual_seed(seed)
    u = layer.sample_input(x.expand(draws, -1), generator)
    mean, var = layer.moments(x)
    return {
        "mean_rel_error": float((u.mean(0) - mean).norm() / mean.norm()),
        "var_rel_error": float((u.var(0) - var).norm() / var.norm()),
    }


@torch.no_grad()
def _save_samples(
    model: WTAPredictor, top: Tensor, bottom: Tensor, config: Config, path: str
) -> None:
    """Write a grid: per row one test digit, its truth and 8 completions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, columns = 6, 8
    generator = torch.Generator().manual_seed(config.seed + 3)
    torch.manual_seed(config.seed + 3)
    probs = torch.sigmoid(model.logits(top[:rows], columns))  # [K, rows, 32]
    sampled = torch.bernoulli(probs, generator=generator)
    figure, axes = plt.subplots(rows, columns + 1, figsize=(columns + 1, rows))
    for r in range(rows):
        truth = torch.cat([top[r], bottom[r]]).reshape(8, 8).numpy()
        axes[r, 0].imshow(truth, cmap="gray_r", vmin=0, vmax=1)
        for k in range(columns):
            image = torch.cat([top[r], sampled[k, r]]).reshape(8, 8).numpy()
            axes[r, k + 1].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    for axis in axes.flat:
        axis.set_xticks([])
        axis.set_yticks([])
    axes[0, 0].set_title("truth", fontsize=8)
    axes[0, 1].set_title("samples (bottom half generated)", fontsize=8, loc="left")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    figure.savefig(path, dpi=80)
    plt.close(figure)


@register(
    "wta_stochastic",
    title="A learning framework for winner-take-all networks with stochastic synapses",
    summary="WTA layers with failing synapses complete the bottom half of digits",
    issue_group=12,
)
def run(config: Config) -> dict[str, float]:
    """Train the WTA network and the baselines; return test NLLs in nats per digit."""
    # Created first, so that an unwritable folder fails before training, not after it.
    try:
        os.makedirs(config.output_dir or ".", exist_ok=True)
    except OSError as error:
        raise ValueError(
            f"output_dir={config.output_dir!r} cannot be created ({error.strerror}). "
            "Pass a writable folder."
        ) from None
    if not os.access(config.output_dir or ".", os.W_OK | os.X_OK):
        raise ValueError(
            f"output_dir={config.output_dir!r} is not writable. Pass a writable folder."
        )
    seed_everything(config.seed)
    data = load_digits_split(seed=config.seed, scaling="unit")
    top_train, bottom_train = _split_halves(data.x_train)
    top_test, bottom_test = _split_halves(data.x_test)

    model = WTAPredictor(config)
    _train(model, top_train, bottom_train, config)
    with torch.no_grad():
        logits = model.logits(top_test, config.eval_samples)
        nll = float(conditional_nll(logits, bottom_test).mean())
        modes = (logits > 0).float()  # most likely bottom half of each WTA sample
        pairwise = (
            (modes.unsqueeze(0) != modes.unsqueeze(1)).float().sum(-1)
        )  # [K, K, B]
        k = modes.shape[0]
        hamming = float(pairwise.sum() / (k * (k - 1) * modes.shape[1]))

        marginal = bottom_train.mean(0).clamp(1e-3, 1 - 1e-3)
        marginal_nll = float(
            -(bottom_test * marginal.log() + (1 - bottom_test) * (1 - marginal).log())
            .sum(1)
            .mean()
        )
    mlp = _train_mlp(top_train, bottom_train, config)
    with torch.no_grad():
        mlp_nll = float(
            nn.functional.binary_cross_entropy_with_logits(
                mlp(top_test), bottom_test, reduction="sum"
            )
            / len(top_test)
        )
    check = gaussian_check(
        model.layer1, top_test[0], config.gaussian_draws, config.seed + 4
    )
    path = os.path.join(config.output_dir, "wta_samples.png")
    _save_samples(model, top_test, bottom_test, config, path)
    logger.info(
        "WTA NLL %.3f, marginal %.3f, MLP %.3f; samples in %s",
        nll,
        marginal_nll,
        mlp_nll,
        path,
    )
    return {
        "test_nll": nll,
        "marginal_nll": marginal_nll,
        "mlp_nll": mlp_nll,
        "improvement_over_marginal": 1.0 - nll / marginal_nll,
        "sample_hamming": hamming,
        **{f"gaussian_{key}": value for key, value in check.items()},
    }


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """NLL >= 15% below the per-pixel baseline and no worse than the deterministic MLP;
    varied samples; Gaussian approximation within 5%."""
    return [
        at_least(
            "improvement_over_marginal", metrics["improvement_over_marginal"], 0.15
        ),
        at_most(
            "nll_minus_mlp_nll", metrics["test_nll"] - metrics["mlp_nll"], 0.0, " nats"
        ),
        at_least("sample_hamming", metrics["sample_hamming"], 2.0, " pixels"),
        at_most("gaussian_mean_rel_error", metrics["gaussian_mean_rel_error"], 0.05),
        at_most("gaussian_var_rel_error", metrics["gaussian_var_rel_error"], 0.05),
    ]
