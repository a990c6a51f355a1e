"""DECOLLE: deep continuous local learning on Poisson-coded digits.

Kaiser, Mostafa and Neftci, "Synaptic plasticity dynamics for deep continuous local
learning (DECOLLE)", Frontiers in Neuroscience 14, 2020. Each layer of DECOLLE neurons
(:func:`~graphkit.extras.spiking.neurons.decolle_step`) has its own fixed random
readout G_l, drawn uniform in ±a/sqrt(n_l) and never trained, and its own loss

.. math::
    L_l[t] = \\mathrm{SmoothL1}(G_l\\, \\mathrm{dropout}(S_l[t]),\\ \\mathrm{onehot}(y))

at every time step after a burn-in. The spikes passed to the next layer are detached
and the neuron traces are detached every step, so each weight W_l learns online from
L_l alone, with no gradient between layers and none through time. The prediction of
layer l is the arg-max of its readout averaged over the steps after burn-in.

The baseline trains only the last layer with its local loss and leaves the lower
layers at their random initial weights.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ..common.data import load_digits_split
from ..common.train import minibatches, seed_everything
from ..registry import Criterion, at_least, register
from .encoders import poisson_spikes
from .neurons import decolle_step

logger = logging.getLogger(__name__)


@dataclass
class Config:
    """Settings of the DECOLLE experiment.

    Attributes:
        steps: time steps T of each Poisson spike train.
        burn_in: first steps without learning or readout, while the traces settle.
        hidden: neurons in each of the three LIF layers.
        max_prob: spike probability per step of a pixel at full intensity.
        alpha: membrane trace decay α (τ_m = 1/(1 - α) steps).
        beta: synaptic trace decay β (τ_s = 1/(1 - β) steps).
        readout_amplitude: a in the readout range ±a/sqrt(n_l).
        dropout: dropout probability on the spikes entering each readout.
        init_scale: initial weights are uniform in ±init_scale/(sqrt(n_in) τ_m² τ_s²).
        epochs: passes over the 1,437 training digits.
        batch_size: samples processed in parallel; the weights change every step.
        lr: Adamax learning rate (betas (0, 0.95)). It is small because the traces P
            that multiply the weights reach hundreds at the default α and β.
        seed: seed of the data split, weights, spike trains and batch order.
    """

    steps: int = 60
    burn_in: int = 20
    hidden: int = 128
    max_prob: float = 0.5
    alpha: float = 0.9
    beta: float = 0.85
    readout_amplitude: float = 0.5
    dropout: float = 0.3
    init_scale: float = 2.0
    epochs: int = 4
    batch_size: int = 64
    lr: float = 2e-6
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("steps", "hidden", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected >= 1"
                )
        if not 0 <= self.burn_in < self.steps:
            raise ValueError(
                f"burn_in={self.burn_in} is invalid; expected 0 <= burn_in < steps={self.steps}"
            )
        for name in ("alpha", "beta", "max_prob"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected in (0, 1)"
                )
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout={self.dropout} is invalid; expected in [0, 1)")
        for name in ("lr", "readout_amplitude", "init_scale"):
            # inf passes a > 0 check but turns the weights into inf and NaN.
            if not 0 < getattr(self, name) < math.inf:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected a finite "
                    "value > 0"
                )

    @classmethod
    def smoke(cls) -> Config:
        """Return the variant that runs in a few seconds."""
        return cls(steps=30, burn_in=10, hidden=64, epochs=1, batch_size=128)


class DecolleNetwork(nn.Module):
    """Three fully connected DECOLLE layers, each with a fixed random readout."""

    def __init__(self, config: Config, generator: torch.Generator) -> None:
        super().__init__()
        self.config = config
        sizes = [64] + [config.hidden] * 3
        # At a steady input rate r, Q settles at τ_s² r and P at τ_m² τ_s² r, so the
        # initial weights are scaled by 1/(τ_m τ_s)² to keep U near the boxcar window.
        gain = config.init_scale * ((1.0 - config.alpha) * (1.0 - config.beta)) ** 2
        self.layers = nn.ModuleList()
        self.readouts = nn.ModuleList()
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layer = nn.Linear(n_in, n_out)
            bound = 1.0 / math.sqrt(n_in)
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=generator).mul_(gain)
                layer.bias.zero_()
            readout = nn.Linear(n_out, 10, bias=False)
            limit = config.readout_amplitude / math.sqrt(n_out)
            with torch.no_grad():
                readout.weight.uniform_(-limit, limit, generator=generator)
            readout.weight.requires_grad_(False)
            self.layers.append(layer)
            self.readouts.append(readout)
        self.dropout = nn.Dropout(config.dropout)

    def step(
        self, spikes_in: Tensor, states: list[dict[str, Tensor]]
    ) -> tuple[list[Tensor], list[dict[str, Tensor]]]:
        """Advance every layer by one step; return each layer's readout ``[B, 10]``."""
        outputs, new_states = [], []
        x = spikes_in
        for layer, readout, state in zip(self.layers, self.readouts, states):
            s, _u, state = decolle_step(
                x, state, layer, self.config.alpha, self.config.beta
            )
            outputs.append(readout(self.dropout(s)))
            new_states.append(state)
            x = s.detach()  # no error crosses into the layer below
        return outputs, new_states


def local_losses(readouts: list[Tensor], target: Tensor) -> list[Tensor]:
    """Return the smooth-L1 loss of each layer's readout against one-hot ``target``."""
    return [nn.functional.smooth_l1_loss(r, target) for r in readouts]


def _train(
    model: DecolleNetwork, x: Tensor, y: Tensor, trainable: list[int], seed: int
):
    config = model.config
    params = [p for i in trainable for p in model.layers[i].parameters()]
    optimizer = torch.optim.Adamax(params, lr=config.lr, betas=(0.0, 0.95))
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for epoch in range(config.epochs):
        for batch in minibatches(len(y), config.batch_size, generator):
            raster = poisson_spikes(x[batch], config.steps, config.max_prob, generator)
            target = nn.functional.one_hot(y[batch], 10).float()
            states: list[dict[str, Tensor]] = [{}, {}, {}]
            for t in range(config.steps):
                readouts, states = model.step(raster[t], states)
                if t < config.burn_in:
                    continue
                losses = local_losses(readouts, target)
                total = sum(losses[i] for i in trainable)
                optimizer.zero_grad(set_to_none=True)
                total.backward()
                optimizer.step()
        logger.debug(
            "epoch %d last-step losses %s", epoch, [float(v.detach()) for v in losses]
        )


@torch.no_grad()
def _evaluate(model: DecolleNetwork, x: Tensor, y: Tensor, seed: int) -> list[float]:
    """Return the test accuracy in percent of each layer's time-averaged readout."""
    config = model.config
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    raster = poisson_spikes(x, config.steps, config.max_prob, generator)
    states: list[dict[str, Tensor]] = [{}, {}, {}]
    sums = [torch.zeros(len(y), 10) for _ in range(3)]
    for t in range(config.steps):
        readouts, states = model.step(raster[t], states)
        if t >= config.burn_in:
            sums = [acc + r for acc, r in zip(sums, readouts)]
    return [100.0 * float((s.argmax(1) == y).float().mean()) for s in sums]


@register(
    "decolle",
    title="Synaptic plasticity dynamics for deep continuous local learning (DECOLLE)",
    summary="3-layer LIF network trained online by fixed random local readouts",
    issue_group=12,
)
def run(config: Config) -> dict[str, float]:
    """Train DECOLLE and the last-layer-only baseline; return per-layer test accuracy."""
    seed_everything(config.seed)
    data = load_digits_split(seed=config.seed, scaling="unit")
    metrics: dict[str, float] = {}
    for arm, trainable in (("decolle", [0, 1, 2]), ("last_layer_only", [2])):
        model = DecolleNetwork(config, torch.Generator().manual_seed(config.seed))
        _train(model, data.x_train, data.y_train, trainable, config.seed + 1)
        accuracies = _evaluate(model, data.x_test, data.y_test, config.seed + 2)
        for layer, accuracy in enumerate(accuracies, start=1):
            metrics[f"{arm}_layer{layer}_accuracy"] = accuracy
        logger.info(
            "%s per-layer test accuracy %s", arm, [round(a, 2) for a in accuracies]
        )
    return metrics


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Last layer >= 88%; every layer > 70%; layer 3 >= layer 1; +5 points over baseline."""
    last = metrics["decolle_layer3_accuracy"]
    first = metrics["decolle_layer1_accuracy"]
    lowest = min(metrics[f"decolle_layer{i}_accuracy"] for i in (1, 2, 3))
    gain = last - metrics["last_layer_only_layer3_accuracy"]
    return [
        at_least("decolle_layer3_accuracy", last, 88.0, "%"),
        at_least("decolle_min_layer_accuracy", lowest, 70.0, "%"),
        at_least("layer3_minus_layer1", last - first, 0.0, " points"),
        at_least("gain_over_last_layer_only", gain, 5.0, " points"),
    ]
