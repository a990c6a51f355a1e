"""DiRotQ on a tiny diffusion transformer trained on scikit-learn digits.

Sharify, Salmani and Mostafa, "DiRotQ: Rotation-Aware Quantization for 4-bit Diffusion
Transformers" (arXiv:2605.16732, 2026). The layer construction (PCA basis, random
rotation of the low-variance subspace, high-variance subspace kept in 16 bits, GPTQ on
the fused weights) is in ``rotation``. Here a small DiT is trained: patch 2 on 8x8 digits
scaled to [-1, 1] gives 16 tokens, with adaLN time conditioning, epsilon prediction and
a linear beta schedule. Its attention and MLP linear layers are quantized W4A4 by four
methods. The DDIM samples of each quantized model are compared with the FP32 model's
samples from the same noise by PSNR, DiRotQ's metric against full-precision images:

* ``rtn``: no rotation, per-token asymmetric INT4 activations, INT4 weights rounded to
  nearest in groups of 64 input columns;
* ``rotation``: a random orthogonal rotation of the whole input, GPTQ weights;
* ``dirotq_rtn``: the DiRotQ rotation with round-to-nearest weights (ablation);
* ``dirotq``: PCA basis, random rotation of the low ``D - h`` directions, the top
  ``h = D / 8`` kept in high precision, GPTQ weights.

The time-embedding MLP, the adaLN modulation, the patch embedding and the output layer
stay in full precision, as DiRotQ does for PixArt-Sigma.

The top ``h`` directions are kept in 16 bits by rounding their activations and weight
columns to float16 (``high_precision``) and computing in float32.
"""

from __future__ import annotations

import copy
import logging
import math
from dataclasses import dataclass

import torch
from graphkit.extras.common.data import load_digits_split
from graphkit.extras.common.train import minibatches, psnr, seed_everything
from graphkit.extras.efficient.rotation import (
    HIGH_PRECISION_DTYPES,
    RotatedQuantLinear,
    dirotq_rotation,
    pca_basis,
    quantize_layer,
    random_orthogonal,
)
from graphkit.extras.registry import Criterion, at_least, at_most, register
from torch import nn

logger = logging.getLogger(__name__)

QUANTIZED_LINEARS = ("qkv", "proj", "fc1", "fc2")
METHODS = ("rtn", "rotation", "dirotq_rtn", "dirotq")


@dataclass
class Config:
    """DiRotQ experiment settings.

    Attributes:
        width, depth, heads: transformer size (16 tokens of patch 2x2).
        diffusion_steps: training timesteps of the linear beta schedule (1e-4 to 0.02).
        epochs, lr, batch_size: Adam training of the denoiser.
        sample_count, sample_steps: DDIM samples compared, and their steps.
        calibration_images: (image, t) pairs whose tokens calibrate PCA and GPTQ.
        keep_fraction: ``h / D`` kept in high precision.
        high_precision: format of the kept ``h`` directions (``float16``, ``bfloat16``,
            or ``float32`` for no rounding).
        bits, group_size: INT bits of weights and activations; weight group size.
        seed: training, calibration and sampling seed.
    """

    width: int = 64
    depth: int = 3
    heads: int = 4
    diffusion_steps: int = 200
    epochs: int = 40
    lr: float = 2e-3
    batch_size: int = 64
    sample_count: int = 64
    sample_steps: int = 20
    calibration_images: int = 64
    keep_fraction: float = 0.125
    high_precision: str = "float16"
    bits: int = 4
    group_size: int = 64
    seed: int = 0

    def __post_init__(self) -> None:
        for name in (
            "width",
            "depth",
            "heads",
            "epochs",
            "batch_size",
            "sample_count",
            "calibration_images",
            "group_size",
        ):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)} is invalid. Use a value >= 1."
                )
        if not 0 < self.lr < math.inf:
            raise ValueError(f"lr={self.lr} is invalid. Use a finite value > 0.")
        if self.width % self.heads:
            raise ValueError(
                f"width={self.width} must be a multiple of heads={self.heads}"
            )
        if not 0 <= self.keep_fraction < 1:
            raise ValueError(f"keep_fraction={self.keep_fraction} must lie in [0, 1)")
        if self.high_precision not in HIGH_PRECISION_DTYPES:
            choices = ", ".join(HIGH_PRECISION_DTYPES)
            raise ValueError(
                f"high_precision={self.high_precision!r} is invalid. Use one of: "
                f"{choices}."
            )
        if self.sample_steps > self.diffusion_steps or self.sample_steps < 1:
            raise ValueError(
                f"sample_steps={self.sample_steps} must lie in [1, diffusion_steps]"
            )
        if not 2 <= self.bits <= 8:
            raise ValueError(f"bits={self.bits} must lie in [2, 8]")

    @classmethod
    def smoke(cls) -> Config:
        return cls(
            epochs=2, depth=1, sample_count=8, sample_steps=4, calibration_images=16
        )


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Return the sinusoidal embedding of integer timesteps, shape ``(B, dim)``.

    An odd ``dim`` gets a final zero column, because the sines and cosines fill
    ``2 * (dim // 2)`` columns.
    """
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half) / half)
    angles = t.float()[:, None] * freqs[None]
    embedding = torch.cat([angles.sin(), angles.cos()], dim=-1)
    if dim % 2:
        embedding = nn.functional.pad(embedding, (0, 1))
    return embedding


class DiTBlock(nn.Module):
    """Pre-norm transformer block with adaLN (shift, scale, gate) from the time embedding."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width, elementwise_affine=False)
        self.norm2 = nn.LayerNorm(width, elementwise_affine=False)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.fc1 = nn.Linear(width, 4 * width)
        self.fc2 = nn.Linear(4 * width, width)
        self.modulation = nn.Linear(width, 6 * width)
        nn.init.zeros_(self.modulation.weight)
        nn.init.zeros_(self.modulation.bias)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape  # B, tokens, width
        shift1, scale1, gate1, shift2, scale2, gate2 = self.modulation(cond)[
            :, None
        ].chunk(6, -1)
        h = self.norm1(x) * (1 + scale1) + shift1
        q, k, v = (
            self.qkv(h)
            .reshape(b, n, 3, self.heads, d // self.heads)
            .permute(2, 0, 3, 1, 4)
        )
        attn = nn.functional.scaled_dot_product_attention(q, k, v)
        x = x + (1 + gate1) * self.proj(attn.transpose(1, 2).reshape(b, n, d))
        h = self.norm2(x) * (1 + scale2) + shift2
        return x + (1 + gate2) * self.fc2(nn.functional.gelu(self.fc1(h)))


class TinyDiT(nn.Module):
    """Epsilon-predicting transformer on ``(B, 1, 8, 8)`` images, patch 2 (16 tokens)."""

    def __init__(self, width: int, depth: int, heads: int) -> None:
        super().__init__()
        self.width = width
        self.embed = nn.Linear(4, width)
        self.position = nn.Parameter(torch.randn(1, 16, width) * 0.02)
        self.time_mlp = nn.Sequential(
            nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width)
        )
        self.blocks = nn.ModuleList([DiTBlock(width, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, 4)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        b = x.shape[0]
        patches = x.reshape(b, 4, 2, 4, 2).permute(0, 1, 3, 2, 4).reshape(b, 16, 4)
        h = self.embed(patches) + self.position
        cond = self.time_mlp(timestep_embedding(t, self.width))
        for block in self.blocks:
            h = block(h, cond)
        out = self.out(self.norm(h))
        return out.reshape(b, 4, 4, 2, 2).permute(0, 1, 3, 2, 4).reshape(b, 1, 8, 8)


def alpha_bars(steps: int) -> torch.Tensor:
    """Cumulative products of ``1 - beta_t`` for a linear schedule from 1e-4 to 0.02."""
    return torch.cumprod(1.0 - torch.linspace(1e-4, 0.02, steps), dim=0)


def train_denoiser(
    model: TinyDiT, images: torch.Tensor, config: Config, generator: torch.Generator
) -> None:
    """Train with the epsilon-prediction loss ``|| eps - f(sqrt(ab) x + sqrt(1-ab) eps, t) ||^2``."""
    bars = alpha_bars(config.diffusion_steps)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    total_steps = config.epochs * math.ceil(len(images) / config.batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)
    model.train()
    for _epoch in range(config.epochs):
        for batch in minibatches(len(images), config.batch_size, generator):
            x0 = images[batch]
            t = torch.randint(
                0, config.diffusion_steps, (len(batch),), generator=generator
            )
            noise = torch.randn(x0.shape, generator=generator)
            bar = bars[t][:, None, None, None]
            loss = nn.functional.mse_loss(
                model(bar.sqrt() * x0 + (1 - bar).sqrt() * noise, t), noise
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()


@torch.no_grad()
def ddim_sample(model: nn.Module, noise: torch.Tensor, config: Config) -> torch.Tensor:
    """Deterministic DDIM (eta = 0) from ``noise`` over ``sample_steps`` timesteps."""
    bars = alpha_bars(config.diffusion_steps)
    times = (
        torch.linspace(config.diffusion_steps - 1, 0, config.sample_steps)
        .round()
        .long()
    )
    x = noise
    for index, t in enumerate(times):
        bar = bars[t]
        bar_prev = (
            bars[times[index + 1]] if index + 1 < len(times) else torch.tensor(1.0)
        )
        eps = model(x, t.repeat(len(x)))
        x0 = ((x - (1 - bar).sqrt() * eps) / bar.sqrt()).clamp(-1.5, 1.5)
        # The noise is derived again from x and the clamped x0, so that the step
        # stays consistent with x = sqrt(bar) x0 + sqrt(1 - bar) eps after clamping.
        eps = (x - bar.sqrt() * x0) / (1 - bar).sqrt()
        x = bar_prev.sqrt() * x0 + (1 - bar_prev).sqrt() * eps
    return x


@torch.no_grad()
def collect_inputs(
    model: TinyDiT, x: torch.Tensor, t: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Return the flattened input tokens of every quantized linear layer."""
    captured: dict[str, torch.Tensor] = {}
    handles = []
    for index, block in enumerate(model.blocks):
        for name in QUANTIZED_LINEARS:
            key = f"blocks.{index}.{name}"

            def hook(_module, inputs, _output, key=key):
                captured[key] = inputs[0].reshape(-1, inputs[0].shape[-1]).double()

            handles.append(getattr(block, name).register_forward_hook(hook))
    # The hooks are removed even when the forward pass fails, so that a later call
    # on the same model does not capture twice.
    try:
        model(x, t)
    finally:
        for handle in handles:
            handle.remove()
    return captured


def build_quantized(
    model: TinyDiT,
    calibration: dict[str, torch.Tensor],
    method: str,
    config: Config,
    generator: torch.Generator,
    quantize: bool = True,
) -> TinyDiT:
    """Return a copy of ``model`` with every attention/MLP linear replaced by ``method``."""
    quantized = copy.deepcopy(model)
    for index, block in enumerate(quantized.blocks):
        for name in QUANTIZED_LINEARS:
            linear = getattr(block, name)
            inputs = calibration[f"blocks.{index}.{name}"]
            size = inputs.shape[1]
            keep = (
                round(config.keep_fraction * size) if method.startswith("dirotq") else 0
            )
            if method == "rtn":
                rotation = torch.eye(size, dtype=torch.float64)
            elif method == "rotation":
                rotation = random_orthogonal(size, generator)
            else:
                rotation = dirotq_rotation(
                    inputs.T @ inputs / len(inputs), keep, generator
                )
            if quantize:
                layer = quantize_layer(
                    linear,
                    inputs,
                    rotation,
                    keep,
                    config.bits,
                    config.group_size,
                    use_gptq=method in ("rotation", "dirotq"),
                    high_dtype=HIGH_PRECISION_DTYPES[config.high_precision],
                )
            else:
                layer = RotatedQuantLinear(linear, rotation, keep, act_bits=None)
            setattr(block, name, layer)
    return quantized


def _noisy_batch(
    images: torch.Tensor, count: int, config: Config, generator: torch.Generator
):
    bars = alpha_bars(config.diffusion_steps)
    index = torch.randint(0, len(images), (count,), generator=generator)
    t = torch.randint(0, config.diffusion_steps, (count,), generator=generator)
    bar = bars[t][:, None, None, None]
    noise = torch.randn(images[index].shape, generator=generator)
    return bar.sqrt() * images[index] + (1 - bar).sqrt() * noise, t


def _top_energy(
    calibration: dict[str, torch.Tensor], keep_fraction: float
) -> tuple[float, float]:
    """Mean share of the trace in the top ``h`` eigenvalues; 1.0 if every layer's are ascending."""
    shares, ascending = [], True
    for inputs in calibration.values():
        eigenvalues, _ = pca_basis(inputs.T @ inputs / len(inputs))
        ascending &= bool((eigenvalues[1:] >= eigenvalues[:-1]).all())
        keep = round(keep_fraction * len(eigenvalues))
        shares.append(
            float(eigenvalues[len(eigenvalues) - keep :].sum() / eigenvalues.sum())
        )
    return sum(shares) / len(shares), float(ascending)


def run(config: Config) -> dict[str, float]:
    """Train the DiT, quantize it four ways and compare the DDIM samples with FP32's."""
    generator = seed_everything(config.seed)
    images = load_digits_split(scaling="symmetric", images=True).x_train
    model = TinyDiT(config.width, config.depth, config.heads)
    train_denoiser(model, images, config, generator)
    calibration = collect_inputs(
        model, *_noisy_batch(images, config.calibration_images, config, generator)
    )
    held_x, held_t = _noisy_batch(images, config.calibration_images, config, generator)
    noise = torch.randn(config.sample_count, 1, 8, 8, generator=generator)
    reference = ddim_sample(model, noise, config)
    metrics: dict[str, float] = {}
    energy, ascending = _top_energy(calibration, config.keep_fraction)
    metrics["pca_top_energy_share"] = energy
    metrics["pca_eigenvalues_ascending"] = ascending
    exact = build_quantized(
        model, calibration, "dirotq", config, generator, quantize=False
    )
    with torch.no_grad():
        metrics["fused_max_abs_diff"] = float(
            (exact(held_x, held_t) - model(held_x, held_t)).abs().max()
        )
        fp_eps = model(held_x, held_t)
    for method in METHODS:
        quantized = build_quantized(model, calibration, method, config, generator)
        metrics[f"psnr_{method}"] = psnr(
            ddim_sample(quantized, noise, config), reference, 2.0
        )
        with torch.no_grad():
            error = quantized(held_x, held_t) - fp_eps
        metrics[f"eps_snr_{method}"] = float(
            10 * torch.log10(fp_eps.pow(2).sum() / error.pow(2).sum())
        )
        logger.info("%s: sample PSNR %.2f dB", method, metrics[f"psnr_{method}"])
    return metrics


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Exact fusion; DiRotQ >= plain W4A4 + 3 dB and >= rotation alone + 1 dB (sample PSNR)."""
    ascending = metrics["pca_eigenvalues_ascending"]
    return [
        at_most("fused_max_abs_diff", metrics["fused_max_abs_diff"], 1e-4),
        Criterion("pca_eigenvalues_ascending", ascending, "== 1", ascending == 1.0),
        at_least(
            "psnr_dirotq_minus_rtn",
            metrics["psnr_dirotq"] - metrics["psnr_rtn"],
            3.0,
            " dB",
        ),
        at_least(
            "psnr_dirotq_minus_rotation",
            metrics["psnr_dirotq"] - metrics["psnr_rotation"],
            1.0,
            " dB",
        ),
    ]


run = register(
    "dirotq",
    "DiRotQ: Rotation-Aware Quantization for 4-bit Diffusion Transformers",
    "PCA + random rotation, top subspace in 16 bit, GPTQ W4A4 on a tiny digits DiT",
    11,
)(run)
