"""Sparse weight masks with an exact number of non-zeros, and masked layers.

A mask is a boolean tensor of the weight's shape; ``True`` marks a weight that exists.
The helpers keep counts exact: ``random_mask`` draws exactly ``round(density * numel)``
positions, and ``grow_random`` adds exactly the requested number of new positions.
"""

from __future__ import annotations

import torch
from torch import nn

from graphkit.whole_numbers import WrongTypeError, as_whole_number, require_whole_number


def _whole_count(value, name: str) -> int:
    """Return ``value`` as an int, raising WrongTypeError unless it is a whole number.

    Python and NumPy integers and one-element integer tensors pass, and a bool does not.
    """
    count = as_whole_number(value)
    if count is None:
        raise WrongTypeError(f"{name}={value!r} is invalid. Pass a whole number of weights")
    return count


def random_mask(
    shape: tuple[int, ...] | torch.Size,
    density: float | None = None,
    count: int | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Return a boolean mask with exactly ``count`` (or ``round(density * numel)``) ones.

    Positions are uniform without replacement. Give exactly one of ``density``/``count``.
    """
    numel = 1
    for size in shape:
        message = f"shape {tuple(shape)} is invalid. Give sizes that are whole numbers >= 0"
        require_whole_number(size, message, minimum=0, tensors=False)
        numel *= int(size)
    if (density is None) == (count is None):
        raise ValueError("give exactly one of density and count")
    if count is None:
        if not 0.0 <= density <= 1.0:
            raise ValueError(f"density={density} must lie in [0, 1]")
        count = round(density * numel)
    count = _whole_count(count, "count")
    if not 0 <= count <= numel:
        raise ValueError(
            f"count={count} must lie in [0, {numel}] for shape {tuple(shape)}"
        )
    mask = torch.zeros(numel, dtype=torch.bool)
    mask[torch.randperm(numel, generator=generator)[:count]] = True
    return mask.reshape(tuple(shape))


def grow_random(
    mask: torch.Tensor, count: int, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Return the positions (flat indices) of ``count`` random zeros of ``mask``.

    Raises ValueError when ``count`` is negative or the mask has fewer than ``count``
    zeros. A mask of another dtype than bool counts its zero entries as free.
    """
    count = _whole_count(count, "count")
    if count < 0:
        # A negative slice bound below would silently return all free positions but
        # the last -count.
        raise ValueError(f"cannot grow count={count} weights. Pass a count >= 0.")
    # ``~mask`` inverts the bits of an integer mask (~1 is -2), so every position
    # would count as free. Comparing with zero works for every dtype.
    free = (mask == 0).flatten().nonzero().squeeze(1)
    if count > free.numel():
        raise ValueError(
            f"cannot grow {count} weights: only {free.numel()} free positions"
        )
    return free[torch.randperm(free.numel(), generator=generator)[:count]]


def magnitude_prune(
    weight: torch.Tensor, mask: torch.Tensor, count: int
) -> torch.Tensor:
    """Return ``mask`` with its ``count`` smallest-magnitude active weights switched off.

    Raises ValueError when the mask and the weight differ in shape, or the mask has
    fewer than ``count`` active weights.
    """
    if mask.shape != weight.shape:
        # Positions are matched by flat index, so a transposed mask of the same size
        # would prune other weights than the ones it marks, without an error.
        raise ValueError(
            f"mask of shape {tuple(mask.shape)} does not match the weight of shape "
            f"{tuple(weight.shape)}. Pass the mask of this weight."
        )
    count = _whole_count(count, "count")
    if count <= 0:
        return mask.clone()
    # Non-zero entries, as below, so that a mask with entries other than 0 and 1
    # cannot pass this check with fewer active positions than ``count``.
    active = int((mask != 0).sum())
    if count > active:
        # Otherwise topk would pick inactive positions (magnitude inf) and prune fewer
        # weights than requested.
        raise ValueError(
            f"cannot prune {count} weights because only {active} are active. "
            f"Request at most {active}."
        )
    # Only active positions compete. Giving inactive ones magnitude inf instead would
    # let topk pick one of them over an active weight that is inf or NaN.
    active_positions = mask.flatten().nonzero().squeeze(1)
    magnitude = weight.detach().flatten()[active_positions].abs()
    drop = active_positions[torch.topk(magnitude, count, largest=False).indices]
    new_mask = mask.clone().flatten()
    new_mask[drop] = False
    return new_mask.reshape(mask.shape)


def density(mask: torch.Tensor) -> float:
    """Return the fraction of ``True`` (non-zero) entries."""
    return float((mask != 0).float().mean())


class MaskedLinear(nn.Linear):
    """``nn.Linear`` whose weight is multiplied by a fixed boolean mask (a buffer).

    Forward: ``y = x (W \\odot M)^T + b``. Masked-out weights get zero gradient through the
    product; call ``apply_mask_()`` after an optimizer step so that weight decay or
    momentum cannot revive them.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__(in_features, out_features, bias)
        self.register_buffer("mask", torch.ones_like(self.weight, dtype=torch.bool))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.linear(x, self.weight * self.mask, self.bias)

    @torch.no_grad()
    def apply_mask_(self) -> None:
        self.weight.mul_(self.mask)

    def nonzero_count(self) -> int:
        return int(self.mask.sum())
