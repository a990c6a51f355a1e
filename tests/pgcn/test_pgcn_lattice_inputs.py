"""Invalid and extreme positions for the permutohedral lattice."""

import pytest
import torch

from graphkit.lattice import PermutohedralLattice, gaussian_filter

METHODS = ("auto", "direct", "sort", "rows")


def _points(n: int = 40, d: int = 3, dtype=torch.float32):
    generator = torch.Generator().manual_seed(0)
    positions = torch.rand(n, d, generator=generator, dtype=dtype) * 2
    values = torch.randn(n, 2, generator=generator, dtype=dtype)
    return positions, values


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("method", METHODS)
def test_lattice_rejects_non_finite_positions(bad, method):
    positions, values = _points()
    positions[3, 1] = bad
    with pytest.raises(
        ValueError, match=r"1 NaN or infinite values \(first at row 3, col"
    ):
        PermutohedralLattice(positions, method=method).filter(values)


def test_lattice_rejects_zero_columns():
    positions, values = _points()
    with pytest.raises(ValueError, match=r"at least one coordinate column.*\(40, 0\)"):
        gaussian_filter(positions[:, :0], values)


@pytest.mark.parametrize("scale", [1e12, 1e30])
@pytest.mark.parametrize("method", METHODS)
def test_lattice_rejects_float32_beyond_precision(scale, method):
    positions, values = _points()
    with pytest.raises(
        ValueError, match="too large to place on the lattice in torch.float32"
    ):
        PermutohedralLattice(positions * scale, method=method).filter(values)


@pytest.mark.parametrize("method", METHODS)
def test_float64_far_points_keep_values(method):
    # Points 1e12 standard deviations apart share no lattice vertex, so the normalised
    # filter returns each point's own value, as the exact filter does.
    positions, values = _points(dtype=torch.float64)
    out = PermutohedralLattice(positions * 1e12, method=method).filter(values)
    torch.testing.assert_close(out, values, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.int64])
def test_lattice_rejects_unsupported_value_dtype(dtype):
    positions, values = _points()
    with pytest.raises(
        ValueError, match=f"values must be float32 or float64, got {dtype}"
    ):
        gaussian_filter(positions, values.to(dtype))


def test_lattice_zero_channels_keep_shape():
    positions, values = _points()
    out = gaussian_filter(positions, values[:, :0])
    assert out.shape == (40, 0)


def test_lattice_reused_after_backward():
    positions, values = _points()
    positions.requires_grad_()
    lattice = PermutohedralLattice(positions)
    lattice.filter(values).square().sum().backward()
    first = positions.grad.clone()
    positions.grad = None
    lattice.filter(values).square().sum().backward()
    torch.testing.assert_close(positions.grad, first)


def test_lattice_rejects_float32_offset_near_2e7():
    # At 2e7 the float32 step of the elevated coordinates (about 8) exceeds the lattice
    # spacing 4, but the rounded coordinates can still pass the lattice-sum check.
    positions, values = _points()
    with pytest.raises(ValueError, match="too large to place on the lattice"):
        gaussian_filter(positions + 2e7, values)
    # At 1e5, float32 still agrees with float64 on the same input.
    near = positions + 1e5
    out = gaussian_filter(near, values).double()
    expected = gaussian_filter(near.double(), values.double())
    assert float((out - expected).abs().max()) < 0.02
