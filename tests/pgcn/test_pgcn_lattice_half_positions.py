"""Lattice weights and filters for float16 and bfloat16 positions."""

import pytest
import torch

from graphkit.lattice import PermutohedralLattice, enclosing_simplex

HALF_DTYPES = [torch.float16, torch.bfloat16]


def half_positions(dtype: torch.dtype) -> torch.Tensor:
    generator = torch.Generator().manual_seed(0)
    return (torch.rand(500, 4, generator=generator) * 3).to(dtype)


@pytest.mark.parametrize("dtype", HALF_DTYPES)
def test_half_positions_weights_barycentric(dtype):
    weights = enclosing_simplex(half_positions(dtype)).weights
    assert weights.dtype == torch.float32
    assert float(weights.min()) >= 0.0
    assert torch.allclose(weights.sum(1), torch.ones(500), atol=1e-6, rtol=0)


@pytest.mark.parametrize("dtype", HALF_DTYPES)
def test_half_positions_match_float32_positions(dtype):
    positions = half_positions(dtype)
    values = torch.randn(500, 3, generator=torch.Generator().manual_seed(1))
    out = PermutohedralLattice(positions).filter(values)
    want = PermutohedralLattice(positions.float()).filter(values)
    assert torch.equal(out, want)


@pytest.mark.parametrize("dtype", HALF_DTYPES)
def test_half_positions_gradient_and_second_filter(dtype):
    values = torch.randn(500, 3, generator=torch.Generator().manual_seed(1))
    positions = half_positions(dtype).requires_grad_()
    lattice = PermutohedralLattice(positions)
    first = lattice.filter(values)
    first.square().sum().backward()
    # The second call rebuilds the weights from the positions (attach_weights).
    second = lattice.filter(values)
    reference = half_positions(dtype).float().requires_grad_()
    PermutohedralLattice(reference).filter(values).square().sum().backward()
    assert torch.equal(second, first)
    assert positions.grad.dtype == dtype
    assert torch.equal(positions.grad, reference.grad.to(dtype))
