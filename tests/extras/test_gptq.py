"""GPTQ against round-to-nearest, and the rotated layers built on it."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.common.gptq import gptq_quantize, input_hessian, rtn_quantize
from graphkit.extras.common.quant import int_scale_zero, quantize_int
from graphkit.extras.efficient.rotation import (
    RotatedQuantLinear,
    dirotq_rotation,
    pca_basis,
    quantize_layer,
    random_orthogonal,
)


def _correlated_inputs(seed: int, n: int = 2048, d: int = 64) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    mixing = torch.randn(8, d, generator=g)
    return torch.randn(n, 8, generator=g) @ mixing + 0.1 * torch.randn(
        n, d, generator=g
    )


def test_gptq_reduces_output_error():
    x = _correlated_inputs(0)
    weight = torch.randn(32, 64, generator=torch.Generator().manual_seed(1))
    hessian = input_hessian(x)
    for group in (None, 16):
        gptq = gptq_quantize(weight, hessian, bits=4, group_size=group)
        rtn = rtn_quantize(weight, bits=4, group_size=group)
        ratio = (x @ (weight - gptq).T).norm() / (x @ (weight - rtn).T).norm()
        assert ratio <= 0.8, f"group {group}: GPTQ/RTN error ratio {ratio:.3f}"


def test_gptq_on_grid_and_identity_hessian():
    weight = torch.randn(6, 12, generator=torch.Generator().manual_seed(2))
    # With H = I no column error can be compensated, so GPTQ equals RTN.
    gptq = gptq_quantize(
        weight, torch.eye(12, dtype=torch.float64), bits=4, group_size=4
    )
    assert torch.allclose(gptq, rtn_quantize(weight, bits=4, group_size=4), atol=1e-6)


def test_gptq_keeps_trailing_columns_unquantized():
    x = _correlated_inputs(3, d=16)
    weight = torch.randn(4, 16, generator=torch.Generator().manual_seed(4))
    out = gptq_quantize(weight, input_hessian(x), bits=2, quantized_columns=12)
    assert out[:, :12].unique().numel() <= 4 * 4  # at most 4 levels per row
    assert not torch.allclose(out[:, 12:], weight[:, 12:])  # absorbed updates
    full = gptq_quantize(weight, input_hessian(x), bits=2)
    error_kept = (x @ (weight - out).T).norm()
    error_full = (x @ (weight - full).T).norm()
    assert error_kept < error_full


def test_gptq_dead_columns_zeroed():
    x = _correlated_inputs(5, d=8)
    x[:, 3] = 0.0
    weight = torch.ones(2, 8)
    out = gptq_quantize(weight, input_hessian(x), bits=4)
    assert torch.equal(out[:, 3], torch.zeros(2))


def test_rotated_layer_exact_without_quantization():
    g = torch.Generator().manual_seed(6)
    linear = torch.nn.Linear(16, 8)
    x = _correlated_inputs(7, n=64, d=16)
    moment = x.double().T @ x.double() / len(x)
    for rotation in (
        dirotq_rotation(moment, keep=2, generator=g),
        random_orthogonal(16, g),
    ):
        assert torch.allclose(
            rotation.T @ rotation, torch.eye(16, dtype=torch.float64), atol=1e-10
        )
        layer = RotatedQuantLinear(linear, rotation, keep=2, act_bits=None)
        torch.testing.assert_close(layer(x), linear(x), atol=1e-5, rtol=1e-5)


def test_dirotq_keeps_top_directions():
    x = _correlated_inputs(8, d=32)
    linear = torch.nn.Linear(32, 16)
    moment = x.double().T @ x.double() / len(x)
    g = torch.Generator().manual_seed(9)
    rotation = dirotq_rotation(moment, keep=8, generator=g)
    _eigenvalues, basis = torch.linalg.eigh(moment)
    # The kept block is the top-8 PCA subspace, unrotated.
    top = basis[:, -8:]
    assert torch.allclose(
        (rotation[:, -8:].T @ top).abs().sum(0),
        torch.ones(8, dtype=torch.float64),
        atol=1e-6,
    )
    dirotq = quantize_layer(linear, x, rotation, keep=8, bits=4, group_size=None)
    plain = quantize_layer(
        linear,
        x,
        torch.eye(32, dtype=torch.float64),
        keep=0,
        bits=4,
        group_size=None,
        use_gptq=False,
    )
    with torch.no_grad():
        reference = linear(x)
        assert (dirotq(x) - reference).norm() < 0.5 * (plain(x) - reference).norm()


def test_gptq_groups_independent_of_block_size():
    # Groups of 4 cross the blocks of 3, so a group's grid must see the lazy update
    # that columns earlier in its block owe to the columns past the block.
    g = torch.Generator().manual_seed(5)
    x, weight = torch.randn(64, 8, generator=g), torch.randn(5, 8, generator=g)
    hessian = input_hessian(x)
    for act_order in (False, True):
        one_by_one = gptq_quantize(
            weight, hessian, bits=3, group_size=4, block_size=1, act_order=act_order
        )
        blocked = gptq_quantize(
            weight, hessian, bits=3, group_size=4, block_size=3, act_order=act_order
        )
        assert torch.allclose(blocked, one_by_one, atol=1e-6), f"act_order={act_order}"


def test_gptq_rejects_minus_one_group_size():
    # Some GPTQ tools write -1 for "no groups". Here None means that.
    weight, x = torch.randn(3, 8), torch.randn(20, 8)
    with pytest.raises(ValueError, match="group_size=-1 is invalid: pass None"):
        gptq_quantize(weight, input_hessian(x), group_size=-1)
    with pytest.raises(ValueError, match="group_size=-1 is invalid: pass None"):
        rtn_quantize(weight, group_size=-1)


def test_gptq_zero_damp_retries_with_damping():
    # Four inputs in eight columns give a singular Hessian, so damp=0 must escalate.
    x = torch.randn(4, 8, generator=torch.Generator().manual_seed(6))
    weight = torch.randn(3, 8, generator=torch.Generator().manual_seed(7))
    out = gptq_quantize(weight, input_hessian(x), bits=4, damp=0.0)
    assert bool(torch.isfinite(out).all())
    # The first retry after damp=0 uses damp=0.01, and it succeeds.
    expected = _sequential_gptq(weight, input_hessian(x), 4, 8, 0.01, torch.arange(8))
    torch.testing.assert_close(out, expected.float(), rtol=0, atol=1e-5)
    with pytest.raises(ValueError, match="damp=-0.1 is negative"):
        gptq_quantize(weight, input_hessian(x), damp=-0.1)


def test_input_hessian_rejects_no_rows():
    with pytest.raises(ValueError, match=r"shape \(0, 8\) have no rows"):
        input_hessian(torch.zeros(0, 8))
    with pytest.raises(ValueError, match=r"shape \(2, 0, 8\) have no rows"):
        input_hessian(torch.zeros(2, 0, 8))


@pytest.mark.parametrize("block_size", [0, -128])
def test_gptq_rejects_invalid_block_size(block_size):
    weight, x = torch.randn(3, 8), torch.randn(20, 8)
    with pytest.raises(ValueError, match=f"block_size={block_size} is invalid"):
        gptq_quantize(weight, input_hessian(x), block_size=block_size)


@pytest.mark.parametrize("damp", [float("nan"), float("inf")])
def test_gptq_rejects_non_finite_damp(damp):
    weight, x = torch.randn(3, 8), torch.randn(20, 8)
    with pytest.raises(ValueError, match=f"damp={damp} is invalid"):
        gptq_quantize(weight, input_hessian(x), damp=damp)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_input_hessian_rejects_non_finite_inputs(bad):
    x = torch.randn(2, 5, 8, generator=torch.Generator().manual_seed(8))
    x[1, 2, 6] = bad
    # Flattened to (10, 8), the bad value sits in row 1 * 5 + 2 = 7, column 6.
    with pytest.raises(ValueError, match="1 NaN or infinite value.*row 7, column 6"):
        input_hessian(x)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_gptq_rejects_non_finite_hessian(bad):
    # No damping can make such a Hessian positive definite, so the error must name
    # the entries rather than ask for more damping.
    weight = torch.randn(3, 8, generator=torch.Generator().manual_seed(9))
    hessian = input_hessian(
        torch.randn(20, 8, generator=torch.Generator().manual_seed(10))
    )
    hessian[2, 5] = hessian[5, 2] = bad
    with pytest.raises(
        ValueError, match=r"hessian has 2 NaN or infinite entries.*\[2, 5\]"
    ):
        gptq_quantize(weight, hessian)


def test_rtn_float16_range_past_max():
    # max - min = 69120 overflows float16 (max 65504), so the grid must be fitted in
    # float32. It has scale 69120 / 15 = 4608 and zero point 27648 / 4608 = 6.
    weight = torch.tensor([[41472.0, -27648.0, 9216.0, 1000.0]], dtype=torch.float16)
    out = rtn_quantize(weight, bits=4, symmetric=False)
    assert out.dtype == torch.float16
    assert out.tolist() == [[41472.0, -27648.0, 9216.0, 0.0]]


def test_input_hessian_hand_value():
    # One row (1, 2) after flattening (1, 1, 2): H = (2 / 1) [[1, 2], [2, 4]].
    hessian = input_hessian(torch.tensor([[[1.0, 2.0]]]))
    assert hessian.tolist() == [[2.0, 4.0], [4.0, 8.0]]
    # Two rows: H = (2 / 2) X^T X.
    hessian = input_hessian(torch.tensor([[1.0, 0.0], [1.0, 3.0]]))
    assert hessian.tolist() == [[2.0, 3.0], [3.0, 9.0]]


def test_gptq_act_order_restores_column_order():
    # A diagonal Hessian leaves no error to compensate, so GPTQ is RTN in any column
    # order. diag = (1, 3, 2) gives the 3-cycle permutation (1, 2, 0).
    weight = torch.randn(4, 3, generator=torch.Generator().manual_seed(6))
    hessian = torch.diag(torch.tensor([1.0, 3.0, 2.0], dtype=torch.float64))
    out = gptq_quantize(weight, hessian, bits=3, act_order=True)
    assert torch.allclose(out, rtn_quantize(weight, bits=3), atol=1e-6)


def test_gptq_quantized_columns_count_exact():
    # With H = I nothing is compensated: columns 0..1 are rounded, 2..3 unchanged.
    weight = torch.tensor([[0.3, -0.7, 0.45, 0.1], [0.2, 0.9, -0.55, 0.35]])
    out = gptq_quantize(
        weight, torch.eye(4, dtype=torch.float64), bits=2, quantized_columns=2
    )
    assert torch.equal(out[:, 2:], weight[:, 2:])
    assert not torch.equal(out[:, :2], weight[:, :2])


def test_random_orthogonal_fixes_qr_signs():
    # The matrix is Q of the QR of the Gaussian drawn from the same seed, with column
    # signs flipped so that Q^T G = R has a positive diagonal. Seed 3 gives mixed
    # signs on the plain QR diagonal (LAPACK QR in torch 2.13), so flipping rows
    # instead of columns fails too.
    gaussian = torch.randn(
        5, 5, generator=torch.Generator().manual_seed(3), dtype=torch.float64
    )
    rotation = random_orthogonal(5, torch.Generator().manual_seed(3))
    assert torch.allclose(rotation.T @ rotation, torch.eye(5, dtype=torch.float64))
    assert bool((torch.diagonal(rotation.T @ gaussian) > 0).all())


def test_pca_basis_damps_eigenvalues():
    # diag(3, 1) plus 0.01 * mean(diag) = 0.02 on the diagonal, in ascending order.
    eigenvalues, basis = pca_basis(
        torch.diag(torch.tensor([3.0, 1.0], dtype=torch.float64))
    )
    assert eigenvalues.tolist() == pytest.approx([1.02, 3.02])
    assert basis.abs().tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_rotated_layer_quantizes_activations_per_token():
    # Identity rotation and weight: the output is the quantized input. With 2 bits
    # and one grid per token, 0..3 (scale 1) and 0..30 (scale 10) are exact.
    linear = torch.nn.Linear(4, 4, bias=False)
    with torch.no_grad():
        linear.weight.copy_(torch.eye(4))
    layer = RotatedQuantLinear(linear, torch.eye(4), keep=0, act_bits=2)
    x = torch.tensor([[0.0, 1.0, 2.0, 3.0], [0.0, 10.0, 20.0, 30.0]])
    assert torch.equal(layer(x), x)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_gptq_rejects_non_finite_weight(bad):
    # One bad weight used to turn its whole row into NaN without an error.
    weight = torch.randn(3, 8, generator=torch.Generator().manual_seed(11))
    weight[1, 4] = bad
    with pytest.raises(ValueError, match=r"weight has 1 NaN or infinite.*\[1, 4\]"):
        gptq_quantize(weight, torch.eye(8))


def test_gptq_rejects_one_dimensional_weight():
    with pytest.raises(ValueError, match=r"weight of shape \(8,\) is invalid"):
        gptq_quantize(torch.ones(8), torch.eye(8))


def test_gptq_rejects_asymmetric_hessian():
    # Cholesky reads only the lower triangle, so the 5 above the diagonal was
    # ignored without an error.
    hessian = torch.eye(3)
    hessian[0, 1] = 5.0
    with pytest.raises(ValueError, match=r"entry \[0, 1\] is 5 but \[1, 0\] is 0"):
        gptq_quantize(torch.ones(2, 3), hessian)


def test_gptq_accepts_rounded_symmetric_hessian():
    # X^T X in float32 may differ from its transpose in the last bits.
    hessian = input_hessian(
        torch.randn(50, 6, generator=torch.Generator().manual_seed(12))
    )
    hessian = hessian.float()
    hessian[0, 1] = hessian[0, 1] * (1 + 1e-7)
    weight = torch.randn(2, 6, generator=torch.Generator().manual_seed(13))
    assert gptq_quantize(weight, hessian).shape == (2, 6)


def test_gptq_rejects_negative_hessian_diagonal():
    # Damping retries let the Cholesky factorization of this indefinite matrix
    # succeed, so GPTQ used to run on it without an error.
    hessian = input_hessian(
        torch.randn(40, 4, generator=torch.Generator().manual_seed(14))
    )
    hessian[2, 2] = -1.0
    with pytest.raises(ValueError, match=r"first \[2, 2\] = -1, so it is not"):
        gptq_quantize(torch.ones(3, 4), hessian)


def test_gptq_accepts_zero_hessian_diagonal():
    # A zero diagonal entry is a dead column of X^T X, not an invalid Hessian.
    hessian = torch.diag(torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64))
    out = gptq_quantize(torch.ones(2, 3), hessian, bits=4)
    assert torch.equal(out[:, 1], torch.zeros(2))
    assert torch.equal(out[:, 0], torch.ones(2))


def test_gptq_accepts_tiny_negative_diagonal():
    hessian = torch.diag(torch.tensor([1.0, -1e-9, 2.0], dtype=torch.float64))
    out = gptq_quantize(torch.ones(2, 3), hessian, bits=4)
    assert bool(torch.isfinite(out).all())


def _sequential_gptq(weight, hessian, bits, group, damp, order):
    """Quantize column by column with the explicit inverse Hessian of the columns left.

    After column i is rounded with error e = w_i - q_i, each later column j moves by
    -e [H^-1]_ij / [H^-1]_ii, and column i leaves the inverse through its Schur
    complement. The Cholesky form of gptq_quantize computes the same updates.
    """
    w = weight.double()[:, order].clone()
    h = hessian.double()[order][:, order]
    h = h + damp * torch.diag(h).mean() * torch.eye(len(h), dtype=torch.float64)
    inverse = torch.linalg.inv(h)
    quantized = torch.zeros_like(w)
    for i in range(w.shape[1]):
        if i % group == 0:
            scale, zero = int_scale_zero(w[:, i : i + group], bits, True)
        quantized[:, i] = quantize_int(w[:, i : i + 1], scale, zero, bits, True)[:, 0]
        error = (w[:, i] - quantized[:, i]) / inverse[i, i]
        w[:, i + 1 :] -= error[:, None] * inverse[i, i + 1 :][None, :]
        inverse = inverse - torch.outer(inverse[:, i], inverse[i, :]) / inverse[i, i]
    return quantized[:, torch.argsort(order)]


def test_gptq_matches_sequential_inverse_updates():
    # Act order with groups of 3 across blocks of 4: every group's grid is fitted on
    # the weights after the updates of all earlier columns.
    g = torch.Generator().manual_seed(15)
    x = torch.randn(40, 6, generator=g) @ torch.randn(6, 6, generator=g)
    weight = torch.randn(4, 6, generator=g)
    hessian = input_hessian(x)
    for act_order in (False, True):
        order = (
            torch.argsort(torch.diag(hessian), descending=True)
            if act_order
            else torch.arange(6)
        )
        expected = _sequential_gptq(weight, hessian, 3, 3, 0.01, order)
        out = gptq_quantize(
            weight,
            hessian,
            bits=3,
            group_size=3,
            damp=0.01,
            block_size=4,
            act_order=act_order,
        )
        torch.testing.assert_close(out, expected.float(), rtol=0, atol=1e-5)


def test_gptq_integer_tensor_settings():
    # One-element integer tensors give the result of the same settings as ints.
    torch.manual_seed(0)
    w, x = torch.randn(4, 8), torch.randn(32, 8)
    h = input_hessian(x)
    expected = gptq_quantize(
        w, h, bits=3, group_size=4, block_size=2, quantized_columns=6
    )
    got = gptq_quantize(
        w,
        h,
        bits=torch.tensor(3),
        group_size=torch.tensor(4),
        block_size=torch.tensor([2]),
        quantized_columns=torch.tensor(6),
    )
    assert torch.equal(got, expected)
    rtn = rtn_quantize(w, bits=torch.tensor(3), group_size=torch.tensor(4))
    assert torch.equal(rtn, rtn_quantize(w, bits=3, group_size=4))
