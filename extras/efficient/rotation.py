"""Rotated mixed-precision W4A4 linear layers: PCA bases, random rotations, GPTQ weights.

DiRotQ (Sharify, Salmani and Mostafa, "DiRotQ: Rotation-Aware Quantization for 4-bit
Diffusion Transformers", arXiv:2605.16732, 2026), per linear layer with input ``x in R^D``:

1. From calibration inputs, ``C = E[x x^T] + 0.01 mean(diag C) I``; ``eigh`` gives
   ``C = U diag(lambda) U^T`` with ascending eigenvalues, so the ``h`` highest-variance
   directions are the last columns of ``U``.
2. ``R = blockdiag(R_low, I_h)`` with ``R_low`` a random orthogonal ``(D - h)`` matrix
   spreads the low-variance part; the online rotation is ``M = U R``.
3. ``x_rot = x M``; its first ``D - h`` coordinates are quantized to INT4 (per token,
   asymmetric min/max), the last ``h`` are rounded to a 16-bit float (float16 by
   default) and computed in float32 again, which simulates 16-bit storage.
4. The inverse rotation is folded into the weight, ``W' = W M``, so
   ``y = x_rot W'^T + b = x W^T + b`` when nothing is quantized. ``W'`` is quantized by
   GPTQ with the rotated Hessian ``M^T H M``; its first ``D - h`` columns are rounded to
   INT4. The last ``h`` columns absorb GPTQ's error updates and are then rounded to
   16 bits.

With ``h = 0`` and ``M`` a random orthogonal matrix the layer is the rotation-only
baseline (QuaRot-style); with ``M = I`` and ``h = 0`` it is plain W4A4.
"""

from __future__ import annotations

import torch
from graphkit.extras.common.gptq import gptq_quantize, input_hessian, rtn_quantize
from graphkit.extras.common.quant import int_scale_zero, quantize_int
from torch import nn

HIGH_PRECISION_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
}


def round_to_dtype(values: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Round ``values`` to ``dtype`` (nearest even) and return them in their own dtype."""
    return values.to(dtype).to(values.dtype)


def pca_basis(
    second_moment: torch.Tensor, damp: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ascending eigenvalues and eigenvectors (columns) of the damped moment."""
    eye = torch.eye(
        second_moment.shape[0], dtype=second_moment.dtype, device=second_moment.device
    )
    damped = second_moment + damp * torch.diag(second_moment).mean() * eye
    return torch.linalg.eigh(damped)


def random_orthogonal(size: int, generator: torch.Generator) -> torch.Tensor:
    """Return a Haar-random orthogonal matrix (QR of a Gaussian, signs fixed by diag R)."""
    if size == 0:
        return torch.zeros(0, 0, dtype=torch.float64)
    gaussian = torch.randn(size, size, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(gaussian)
    return q * torch.sign(torch.diagonal(r)).unsqueeze(0)


def dirotq_rotation(
    second_moment: torch.Tensor, keep: int, generator: torch.Generator
) -> torch.Tensor:
    """Return ``M = U blockdiag(R_low, I_keep)`` for a layer's input second moment."""
    _eigenvalues, basis = pca_basis(second_moment)
    size = basis.shape[0]
    rotation = torch.eye(size, dtype=torch.float64)
    rotation[: size - keep, : size - keep] = random_orthogonal(size - keep, generator)
    return basis @ rotation.to(basis)


class RotatedQuantLinear(nn.Module):
    """``y = Q_a(x M)[:, :D-h] W'_q[:, :D-h]^T + (x M)[:, D-h:] W'[:, D-h:]^T + b``.

    Args:
        linear (nn.Linear): the full-precision layer (its weight is copied).
        rotation (Tensor): ``(D, D)`` orthogonal ``M``.
        keep (int): ``h``, trailing coordinates kept in high precision.
        act_bits (int | None): activation bits; None keeps activations unquantized.
        weight (Tensor | None): the quantized ``W'``; None uses ``W M`` unquantized.
        high_dtype (torch.dtype): the kept ``h`` activation coordinates are rounded to
            it when ``act_bits`` is set (float32 leaves them as they are).
    """

    def __init__(
        self,
        linear: nn.Linear,
        rotation: torch.Tensor,
        keep: int,
        act_bits: int | None,
        weight: torch.Tensor | None = None,
        high_dtype: torch.dtype = torch.float16,
    ) -> None:
        super().__init__()
        if not 0 <= keep <= linear.in_features:
            # A keep past the width makes D - h negative, and the slices in forward
            # would then leave coordinates neither quantized nor rounded to 16 bits.
            raise ValueError(
                f"keep={keep} must lie in [0, {linear.in_features}], the layer's input "
                "width"
            )
        self.register_buffer("rotation", rotation.float())
        fused = linear.weight.detach().double() @ rotation.double()
        self.register_buffer("weight", (fused if weight is None else weight).float())
        self.register_buffer(
            "bias", None if linear.bias is None else linear.bias.detach().clone()
        )
        self.keep, self.act_bits, self.high_dtype = keep, act_bits, high_dtype

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_rot = x @ self.rotation
        low = x_rot.shape[-1] - self.keep
        # When keep equals the input width, no coordinate is quantized, and an empty
        # slice has no min or max.
        if self.act_bits is not None and low > 0:
            scale, zero = int_scale_zero(
                x_rot[..., :low], self.act_bits, symmetric=False
            )
            quantized = quantize_int(
                x_rot[..., :low], scale, zero, self.act_bits, symmetric=False
            )
            x_rot = torch.cat([quantized, x_rot[..., low:]], dim=-1)
        if self.act_bits is not None and self.keep > 0:
            high = round_to_dtype(x_rot[..., low:], self.high_dtype)
            x_rot = torch.cat([x_rot[..., :low], high], dim=-1)
        return nn.functional.linear(x_rot, self.weight, self.bias)


def quantize_layer(
    linear: nn.Linear,
    calibration: torch.Tensor,
    rotation: torch.Tensor,
    keep: int,
    bits: int = 4,
    group_size: int | None = 64,
    use_gptq: bool = True,
    high_dtype: torch.dtype = torch.float16,
) -> RotatedQuantLinear:
    """Build the rotated W``bits``A``bits`` layer from calibration inputs ``(n, D)``.

    The ``keep`` trailing weight columns and activation coordinates are rounded to
    ``high_dtype``.
    """
    fused = linear.weight.detach().double() @ rotation.double()
    columns = fused.shape[1] - keep
    if use_gptq:
        hessian = input_hessian(calibration.double() @ rotation.double())
        weight = gptq_quantize(
            fused, hessian, bits, group_size, quantized_columns=columns
        )
    else:
        weight = fused.clone()
        if columns > 0:
            weight[:, :columns] = rtn_quantize(fused[:, :columns], bits, group_size)
    weight[:, columns:] = round_to_dtype(weight[:, columns:], high_dtype)
    return RotatedQuantLinear(linear, rotation, keep, bits, weight, high_dtype)
