"""NullHop's compressed feature maps and a software model of the accelerator's work.

Aimar et al., "NullHop: A Flexible Convolutional Neural Network Accelerator Based on
Sparse Representations of Feature Maps", IEEE TNNLS 30(3), 2019 (arXiv:1706.01406).
A feature map of ``N = C H W`` pixels is stored as a sparsity map (SM, one bit per pixel,
1 where the pixel is non-zero, packed into 16-bit words) plus the non-zero value list
(NZVL, 16-bit fixed-point values in raster order). With density ``rho = nnz / N``:

.. math::
    \\text{bits} = 16 \\lceil N / 16 \\rceil + 16\\, nnz, \\qquad
    CR = \\frac{16 N}{\\text{bits}} \\approx \\frac{16}{1 + 16 \\rho}

The input decoder only reads non-zero pixels, so the multiply-accumulates (MACs) of a
convolution are those of non-zero input pixels: each touches ``C_out`` outputs at every
kernel tap whose output position lies inside the map. ``cycles = MACs / (n_mac u)`` with
``n_mac = 128`` MAC units at utilization ``u``. Efficiency is the dense-equivalent MACs
per cycle over the peak ``n_mac``, so it exceeds 100% when zeros are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from graphkit.whole_numbers import require_whole_number

WORD_BITS = 16
MAX_FRAC_BITS = WORD_BITS - 1


def check_frac_bits(frac_bits: int) -> None:
    """Raise ValueError unless ``frac_bits`` is an integer in [0, 15].

    A signed 16-bit code keeps one sign bit, so 15 fraction bits give the range
    [-1, 1). The step 2^-frac_bits is a power of two only for an integer count.
    """
    require_whole_number(
        frac_bits,
        f"frac_bits={frac_bits!r} is invalid. Use an integer from 0 to "
        f"{MAX_FRAC_BITS}, the fraction bits of a signed 16-bit fixed-point code.",
        minimum=0,
        maximum=MAX_FRAC_BITS,
        tensors=False,
    )


@dataclass(frozen=True)
class SparseFeatureMap:
    """A NullHop-encoded feature map.

    Attributes:
        shape: ``(C, H, W)`` of the decoded map.
        sparsity_map: packed SM as uint16 words, ``ceil(N / 16)`` of them; bit ``k % 16``
            of word ``k // 16`` is pixel ``k`` in raster (C, H, W) order.
        values: int16 fixed-point codes of the non-zero pixels, in raster order.
        frac_bits: fixed-point fraction bits; the value of code ``q`` is ``q / 2^frac_bits``.
    """

    shape: tuple[int, int, int]
    sparsity_map: np.ndarray
    values: np.ndarray
    frac_bits: int

    @property
    def numel(self) -> int:
        c, h, w = self.shape
        return c * h * w

    @property
    def nnz(self) -> int:
        return int(self.values.size)

    @property
    def compressed_bits(self) -> int:
        return WORD_BITS * self.sparsity_map.size + WORD_BITS * self.nnz

    @property
    def compression_ratio(self) -> float:
        """Dense 16-bit size over the compressed size.

        Raises:
            ValueError: if the map has no pixels, because both sizes are then 0 bits.
        """
        if self.numel == 0:
            raise ValueError(
                f"compression_ratio is undefined for the feature map of shape "
                f"{self.shape}, which has no pixels (0 dense and 0 compressed bits). "
                "Skip empty maps, or sum numel and compressed_bits over several maps."
            )
        return WORD_BITS * self.numel / self.compressed_bits


def to_fixed_point(x: torch.Tensor, frac_bits: int = 8) -> torch.Tensor:
    """Round ``x`` to 16-bit fixed point with ``frac_bits`` fraction bits (saturating)."""
    check_frac_bits(frac_bits)
    codes = torch.round(x * 2.0**frac_bits).clamp(-(2**15), 2**15 - 1)
    return codes / 2.0**frac_bits


def saturated_count(x: torch.Tensor, frac_bits: int = 8) -> int:
    """Count the entries of ``x`` that ``to_fixed_point`` clips to the 16-bit range.

    With ``frac_bits`` fraction bits the codes cover [-2^15, 2^15 - 1] / 2^frac_bits,
    so [-128, 128) at 8 bits and [-1, 1) at 15. A decoded map equals
    ``to_fixed_point`` of its input even where it clips, so only this count shows it.
    """
    check_frac_bits(frac_bits)
    codes = torch.round(x.detach().double() * 2.0**frac_bits)
    return int(((codes < -(2**15)) | (codes > 2**15 - 1)).sum())


def encode(feature_map: torch.Tensor, frac_bits: int = 8) -> SparseFeatureMap:
    """Encode a ``(C, H, W)`` map; values are first rounded to fixed point, so a pixel
    that rounds to zero is a zero."""
    check_frac_bits(frac_bits)
    if feature_map.dim() != 3:
        raise ValueError(
            f"expected a (C, H, W) feature map, got shape {tuple(feature_map.shape)}"
        )
    if feature_map.is_complex():
        # The cast to float64 below would drop the imaginary parts, so a purely
        # imaginary map would encode as all zeros.
        raise ValueError(
            f"feature map must be real, got {feature_map.dtype}. Encode the real and "
            "imaginary parts as two maps"
        )
    if torch.isnan(feature_map).any():
        # NumPy casts NaN to an arbitrary int16 (0 on x86), so the pixel would vanish.
        count = int(torch.isnan(feature_map).sum())
        raise ValueError(
            f"feature map contains {count} NaN values, which a 16-bit fixed-point "
            "code cannot represent. Check the layer that produced the map."
        )
    # The codes go to NumPy, which needs a CPU tensor outside the autograd graph, so
    # a map taken straight from a model's forward pass is detached first.
    codes = torch.round(feature_map.detach().cpu().double() * 2.0**frac_bits).clamp(
        -(2**15), 2**15 - 1
    )
    flat = codes.flatten().numpy().astype(np.int16)
    nonzero = flat != 0
    pad = (-flat.size) % WORD_BITS
    bits = np.concatenate([nonzero, np.zeros(pad, dtype=bool)])
    words = np.packbits(bits, bitorder="little").view("<u2")
    return SparseFeatureMap(
        shape=tuple(feature_map.shape),
        sparsity_map=words.copy(),
        values=flat[nonzero].copy(),
        frac_bits=frac_bits,
    )


def decode(encoded: SparseFeatureMap) -> torch.Tensor:
    """Decode to a float32 ``(C, H, W)`` map of the fixed-point values."""
    bits = np.unpackbits(encoded.sparsity_map.view(np.uint8), bitorder="little")
    nonzero = bits[: encoded.numel].astype(bool)
    flat = np.zeros(encoded.numel, dtype=np.float32)
    flat[nonzero] = encoded.values.astype(np.float32) / 2.0**encoded.frac_bits
    return torch.from_numpy(flat).reshape(encoded.shape)


def sparse_conv2d(
    encoded: SparseFeatureMap,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    padding: int,
) -> tuple[torch.Tensor, int]:
    """Stride-1 convolution driven by the sparsity map; returns the output and the MACs.

    Each non-zero input pixel ``(c, i, j)`` with value ``v`` adds ``v W[:, c, a, b]`` to
    output ``(i - a + padding, j - b + padding)`` for every kernel tap ``(a, b)`` that
    lands inside the output. Equals ``torch.nn.functional.conv2d`` on the decoded map.

    Shapes:
        weight: ``(C_out, C_in, k, k)``.
        bias: ``(C_out,)``.
        return: ``(C_out, H_out, W_out)``.
    """
    # A negative padding would crop the map, which torch's conv2d rejects.
    require_whole_number(
        padding,
        f"padding={padding!r} is invalid. Use a whole number of pixels >= 0.",
        minimum=0,
        tensors=False,
    )
    if weight.dim() != 4 or not weight.is_floating_point():
        # The decoded values are cast to the weight's dtype, so an integer weight
        # would truncate a value such as 0.5 to 0.
        raise ValueError(
            f"weight must be a real floating-point (C_out, C_in, k, k) tensor, got "
            f"{weight.dtype} of shape {tuple(weight.shape)}. Convert it with "
            "weight.float()"
        )
    c_in, height, width = encoded.shape
    c_out, weight_c_in, k_h, k_w = weight.shape
    if weight_c_in != c_in:
        # The channel indices below would otherwise pick the first c_in input channels
        # of a wider weight without an error.
        raise ValueError(
            f"weight of shape {tuple(weight.shape)} expects {weight_c_in} input "
            f"channels, but the feature map has {c_in}. Pass a (C_out, {c_in}, k, k) "
            "weight."
        )
    if bias is not None and tuple(bias.shape) != (c_out,):
        # Without this check, a (1,) bias would broadcast over every channel and a
        # (C_out, 1) bias would add a fourth output dimension. torch conv2d rejects both.
        raise ValueError(
            f"bias of shape {tuple(bias.shape)} does not match the {c_out} output "
            f"channels of the weight. Pass a bias of shape ({c_out},) or None."
        )
    h_out, w_out = height + 2 * padding - k_h + 1, width + 2 * padding - k_w + 1
    if h_out < 1 or w_out < 1:
        raise ValueError(
            f"a {k_h}x{k_w} kernel with padding={padding} does not fit the "
            f"{height}x{width} map. Use a smaller kernel or more padding."
        )
    # The map is decoded on the CPU, and the sums run on the weight's device.
    dense = decode(encoded).to(weight.device)
    channel, row, col = dense.nonzero(as_tuple=True)
    values = dense[channel, row, col]
    out = torch.zeros(c_out, h_out * w_out, dtype=weight.dtype, device=weight.device)
    macs = 0
    for a in range(k_h):
        for b in range(k_w):
            out_row, out_col = row - a + padding, col - b + padding
            valid = (
                (out_row >= 0) & (out_row < h_out) & (out_col >= 0) & (out_col < w_out)
            )
            target = out_row[valid] * w_out + out_col[valid]
            contribution = weight[:, channel[valid], a, b] * values[valid].to(
                weight.dtype
            )
            out.index_add_(1, target, contribution)
            macs += int(valid.sum()) * c_out
    out = out.reshape(c_out, h_out, w_out)
    if bias is not None:
        out = out + bias[:, None, None]
    return out, macs


def dense_macs(
    shape: tuple[int, int, int], weight_shape: torch.Size, padding: int
) -> int:
    """MACs of a dense stride-1 convolution, ``H_out W_out k_h k_w C_in C_out``."""
    _, height, width = shape
    c_out, c_in, k_h, k_w = weight_shape
    h_out, w_out = height + 2 * padding - k_h + 1, width + 2 * padding - k_w + 1
    return h_out * w_out * k_h * k_w * c_in * c_out


def brute_force_macs(
    feature_map: torch.Tensor, weight_shape: torch.Size, padding: int
) -> int:
    """Count the products ``W x`` with a non-zero ``x`` by convolving the non-zero
    indicator with a kernel of ones (an independent check of ``sparse_conv2d``'s count)."""
    c_out, c_in, k_h, k_w = weight_shape
    indicator = (feature_map != 0).double()[None]
    counts = torch.nn.functional.conv2d(
        indicator, torch.ones(1, c_in, k_h, k_w, dtype=torch.float64), padding=padding
    )
    return int(counts.sum().round()) * c_out


@dataclass(frozen=True)
class WorkModel:
    """Cycle model of the accelerator: ``n_mac`` MAC units at utilization ``utilization``."""

    n_mac: int = 128
    utilization: float = 0.98

    def cycles(self, performed_macs: int) -> float:
        return performed_macs / (self.n_mac * self.utilization)

    def efficiency(self, dense: int, performed: int) -> float:
        """Dense-equivalent MACs per cycle over the peak, in percent."""
        if performed == 0:
            return float("inf")
        return 100.0 * dense / self.cycles(performed) / self.n_mac
