"""Dropout noise drawn from float64 uniforms: the same values as ``bernoulli_``, faster.

``torch.nn.functional.dropout`` on the CPU multiplies its input by a noise tensor,
``noise = empty_like(x).bernoulli_(1 - p).div_(1 - p)``. In torch 2.13.0 (CPU wheel) on
an AMD EPYC processor, ``bernoulli_`` draws one float64 uniform ``u`` per element, in
element order, from the CPU generator and keeps the element when ``u < 1 - p``.
``torch.rand(n, dtype=torch.float64) < 1 - p`` draws the same uniforms. It gives the
same mask and leaves the generator in the same state, in about half the CPU time:
0.049 s against 0.094 s for cora's 2,708 x 1,433 features, one thread on that machine
(``benchmarks/dropout_noise.py``, recorded in ``docs/benchmarks.md``).

Other builds and processors may draw differently, for example through a vendor
library that seeds its own stream. So the first call compares both ways on a probe
generator, and the uniform path is used only where they agree bitwise, in values and
in the generator state afterwards. Elsewhere ``bernoulli_`` runs as before.
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.overrides import has_torch_function_unary

# Uniforms drawn per step, so the float64 buffer stays at 512 KiB for any input size.
_CHUNK = 1 << 16
_DTYPES = (torch.float32, torch.float64)


def _draw_kept_by_uniforms(
    flat: Tensor, keep: float, generator: torch.Generator | None = None
) -> None:
    """Fill the 1-D ``flat`` with 1 where a float64 uniform is below ``keep``, else 0."""
    size = flat.numel()
    uniforms = torch.empty(min(_CHUNK, size), dtype=torch.float64)
    for start in range(0, size, _CHUNK):
        stop = min(start + _CHUNK, size)
        part = uniforms[: stop - start].uniform_(0.0, 1.0, generator=generator)
        torch.lt(part, keep, out=flat[start:stop])


@functools.cache
def uniforms_match_bernoulli() -> bool:
    """Return whether the uniform draws reproduce ``bernoulli_`` in this torch build.

    Both ways run on their own generators with one seed, over more than one chunk,
    so the default generator is left untouched.
    """
    size = _CHUNK + _CHUNK // 2
    reference, candidate = torch.Generator(), torch.Generator()
    reference.manual_seed(20231)
    candidate.manual_seed(20231)
    expected = torch.empty(size).bernoulli_(0.3, generator=reference)
    drawn = torch.empty(size)
    _draw_kept_by_uniforms(drawn, 0.3, candidate)
    same_state = torch.equal(reference.get_state(), candidate.get_state())
    return same_state and torch.equal(expected, drawn)


def _uniform_path_applies(x: Tensor, p: float) -> bool:
    # A contiguous tensor is filled in element order by both ways. Other layouts,
    # tensor subclasses and dtypes other than float32 and float64 take bernoulli_,
    # because no test checks the uniform draws for them.
    return (
        isinstance(p, float)
        and 0.0 < p < 1.0
        and x.device.type == "cpu"
        and x.dtype in _DTYPES
        and x.is_contiguous()
        and x.numel() > 0
        and not has_torch_function_unary(x)
        and uniforms_match_bernoulli()
    )


def dropout_noise(x: Tensor, p: float) -> Tensor:
    """Return the scaled mask that ``F.dropout(x, p, True)`` multiplies ``x`` by.

    Kept elements are ``1 / (1 - p)`` as rounded in ``x``'s dtype and dropped ones 0,
    drawn from the default generator exactly as ``F.dropout`` draws them.
    """
    keep = 1 - p
    noise = torch.empty_like(x)
    if _uniform_path_applies(x, p):
        _draw_kept_by_uniforms(noise.view(-1), keep)
    else:
        noise.bernoulli_(keep)
    return noise.div_(keep)


def dropout(x: Tensor, p: float, training: bool) -> Tensor:
    """Return ``F.dropout(x, p, training)``, with the mask drawn by :func:`dropout_noise`.

    Outputs and gradients equal those of ``F.dropout`` bitwise for the same generator
    state, and the generator ends in the same state.
    """
    if not training or not _uniform_path_applies(x, p):
        return F.dropout(x, p, training)
    return x * dropout_noise(x, p)
