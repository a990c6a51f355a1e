"""Surrogate-gradient training of a spiking network on latency-coded digits.

Neftci, Mostafa and Zenke, "Surrogate gradient learning in spiking neural networks",
IEEE Signal Processing Magazine 36(6), 2019. A feed-forward layer of current-based LIF
neurons (:func:`~graphkit.extras.spiking.neurons.lif_step`) feeds non-spiking leaky
readouts; the logits are the maximum over time of each readout membrane, trained with
cross-entropy through time (BPTT). The spike nonlinearity Θ has the fast-sigmoid
derivative 1 / (λ|U - ϑ| + 1)² in the backward pass.

The control trains the same network, from the same initial weights, with the true
derivative of Θ, which is zero almost everywhere. The hidden weights then never change.
The initial weights are scaled so that no hidden neuron reaches threshold on the
training set, which is the case where the true gradient leaves the network untrainable:
the readouts receive no spikes and stay at chance, while the surrogate still carries
a learning signal from the subthreshold membrane.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ..common.data import load_digits_split
from ..common.train import minibatches, seed_everything
from ..registry import Criterion, at_least, at_most, register
from .encoders import latency_spikes
from .neurons import lif_step

logger = logging.getLogger(__name__)


@dataclass
class Config:
    """Settings of the surrogate-gradient SNN experiment.

    Attributes:
        steps: time steps T of the latency code (dt = 1 ms).
        hidden: LIF neurons in the hidden layer.
        tau_syn: synaptic time constant in ms.
        tau_mem: membrane time constant in ms.
        epochs: passes over the 1,437 training digits.
        batch_size: samples per Adam step.
        lr: Adam learning rate.
        init_gain: hidden weights are drawn from N(0, (init_gain (1 - β) / sqrt(64))²).
        seed: seed of the data split, the initial weights and the batch order.
    """

    steps: int = 50
    hidden: int = 100
    tau_syn: float = 5.0
    tau_mem: float = 10.0
    epochs: int = 30
    batch_size: int = 128
    lr: float = 2e-3
    init_gain: float = 1.5
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("steps", "hidden", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid. Use a value >= 1."
                )
        if self.steps < 4:
            # An input spike at step t reaches the hidden membrane at t + 2 and the
            # readout membrane at t + 3. With fewer steps the hidden weights get no
            # gradient, and with one step the loss has none at all.
            raise ValueError(
                f"steps={self.steps} is invalid. Use a value >= 4, so that input "
                "spikes can reach the readout."
            )
        for name in ("tau_syn", "tau_mem", "lr", "init_gain"):
            if not getattr(self, name) > 0:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected > 0"
                )
        # The initial weights scale with 1 - exp(-1 / tau_mem), which rounds to 0 for
        # tau_mem = inf or above about 1e16. Zero weights never spike, so such a run
        # would finish at chance accuracy without an error.
        if 1.0 - math.exp(-1.0 / self.tau_mem) == 0:
            raise ValueError(
                f"tau_mem={self.tau_mem} is invalid: the initial weights scale with "
                "1 - exp(-1 / tau_mem), which is 0 at this value. Give a finite "
                "tau_mem > 0 below 1e15 ms"
            )
        for name in ("lr", "init_gain"):
            # inf passes a > 0 check but turns the weights into inf and NaN. An
            # infinite tau_syn is valid: the synaptic current then never decays.
            if math.isinf(getattr(self, name)):
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid; expected a finite "
                    "value > 0"
                )

    @classmethod
    def smoke(cls) -> Config:
        """Return the variant that runs in a few seconds."""
        return cls(steps=20, hidden=50, epochs=2)


class SpikingClassifier(nn.Module):
    """64 inputs -> LIF hidden layer -> 10 leaky, non-spiking readouts (max over time)."""

    def __init__(self, config: Config, generator: torch.Generator) -> None:
        super().__init__()
        self.alpha = math.exp(-1.0 / config.tau_syn)
        self.beta = math.exp(-1.0 / config.tau_mem)
        std_in = config.init_gain * (1.0 - self.beta) / math.sqrt(64)
        std_out = config.init_gain * (1.0 - self.beta) / math.sqrt(config.hidden)
        self.w_in = nn.Parameter(
            torch.randn(64, config.hidden, generator=generator) * std_in
        )
        self.w_out = nn.Parameter(
            torch.randn(config.hidden, 10, generator=generator) * std_out
        )
        self.surrogate = "fast_sigmoid"

    def forward(self, raster: Tensor) -> tuple[Tensor, Tensor]:
        """Return logits ``[B, 10]`` and the hidden spike raster ``[T, B, H]``."""
        steps, batch, _ = raster.shape
        hidden = self.w_in.shape[1]
        syn = raster.new_zeros(batch, hidden)
        mem = raster.new_zeros(batch, hidden)
        out_syn = raster.new_zeros(batch, 10)
        out_mem = raster.new_zeros(batch, 10)
        input_current = raster @ self.w_in  # [T, B, H]
        spikes, readout = [], []
        for t in range(steps):
            spk, syn, mem = lif_step(
                input_current[t], syn, mem, self.alpha, self.beta, self.surrogate
            )
            out_mem = self.beta * out_mem + out_syn
            out_syn = self.alpha * out_syn + spk @ self.w_out
            spikes.append(spk)
            readout.append(out_mem)
        logits = torch.stack(readout).amax(dim=0)
        return logits, torch.stack(spikes)


def _train(
    model: SpikingClassifier, raster: Tensor, y: Tensor, config: Config, seed: int
):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, betas=(0.9, 0.999))
    for epoch in range(config.epochs):
        total = 0.0
        for batch in minibatches(len(y), config.batch_size, generator):
            logits, _ = model(raster[:, batch])
            loss = nn.functional.cross_entropy(logits, y[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch)
        logger.debug("%s epoch %d loss %.4f", model.surrogate, epoch, total / len(y))


@torch.no_grad()
def _evaluate(
    model: SpikingClassifier, raster: Tensor, y: Tensor
) -> tuple[float, float]:
    """Return accuracy in percent and mean hidden spikes per neuron per step."""
    logits, spikes = model(raster)
    accuracy = 100.0 * float((logits.argmax(1) == y).float().mean())
    return accuracy, float(spikes.mean())


@register(
    "surrogate_snn",
    title="Surrogate gradient learning in spiking neural networks",
    summary="LIF network trained by BPTT with a fast-sigmoid surrogate; true derivative fails",
    issue_group=12,
)
def run(config: Config) -> dict[str, float]:
    """Train with the surrogate and with the true derivative; return test metrics."""
    seed_everything(config.seed)
    data = load_digits_split(seed=config.seed, scaling="unit")
    train_raster = latency_spikes(data.x_train, config.steps)
    test_raster = latency_spikes(data.x_test, config.steps)

    generator = torch.Generator().manual_seed(config.seed)
    model = SpikingClassifier(config, generator)
    control = SpikingClassifier(config, torch.Generator())
    control.load_state_dict(model.state_dict())
    control.surrogate = "true"
    _, initial_rate = _evaluate(model, train_raster, data.y_train)

    initial_hidden = control.w_in.detach().clone()
    _train(model, train_raster, data.y_train, config, config.seed + 1)
    _train(control, train_raster, data.y_train, config, config.seed + 1)
    control_change = float((control.w_in.detach() - initial_hidden).abs().max())
    accuracy, rate = _evaluate(model, test_raster, data.y_test)
    control_accuracy, _ = _evaluate(control, test_raster, data.y_test)
    logger.info("surrogate %.2f%%, true derivative %.2f%%", accuracy, control_accuracy)
    return {
        "test_accuracy": accuracy,
        "true_derivative_accuracy": control_accuracy,
        "hidden_rate": rate,
        "initial_hidden_rate": initial_rate,
        "true_derivative_hidden_weight_change": control_change,
    }


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Surrogate >= 90%, true-derivative control <= 20% (chance is 10%), sparse firing."""
    return [
        at_least("test_accuracy", metrics["test_accuracy"], 90.0, "%"),
        at_most(
            "true_derivative_accuracy", metrics["true_derivative_accuracy"], 20.0, "%"
        ),
        at_most("hidden_rate", metrics["hidden_rate"], 0.1, " spikes/neuron/step"),
    ]
