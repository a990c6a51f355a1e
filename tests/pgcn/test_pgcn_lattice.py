"""The permutohedral lattice against hand-computed values and the exact Gaussian filter."""

import math

import pytest
import torch
from torch.testing import assert_close

from graphkit.lattice import (
    RELATIVE_ERROR_BOUND,
    DenseBudgetError,
    PermutohedralLattice,
    dense_gaussian_filter,
    dense_memory_bytes,
    elevation_matrix,
    enclosing_simplex,
    gaussian_filter,
    simplex,
    simplex_vertices,
    table,
)
from graphkit.lattice import filter as lattice_filter

# In d = 1 the lattice spacing is sqrt(3)/2 position units (scale 2/sqrt(3)).
SPACING_1D = math.sqrt(3) / 2


def test_one_point_in_1d_by_hand():
    # A point a quarter of the way from vertex 0 to vertex 1 splats (3/4, 1/4). The two
    # blur directions of d = 1 both act on the pair as [[1/2, 1/4], [1/4, 1/2]], so B =
    # [[5, 4], [4, 5]] / 16, and slicing gives (3/4, 1/4) B (3/4, 1/4)^T = 37/128.
    positions = torch.tensor([[0.25 * SPACING_1D]], dtype=torch.float64)
    values = torch.tensor([[1.0]], dtype=torch.float64)
    lattice = PermutohedralLattice(positions)
    assert lattice.num_vertices == 2
    assert_close(lattice.weights, torch.tensor([[0.75, 0.25]], dtype=torch.float64))
    out = lattice.filter(values, normalize=False)
    assert_close(out, torch.tensor([[37 / 128]], dtype=torch.float64))
    assert_close(lattice.filter(values), values)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 8])
def test_barycentric_weights_rebuild_point(d):
    torch.manual_seed(d)
    positions = torch.randn(300, d, dtype=torch.float64) * 3
    simplices = enclosing_simplex(positions)
    vertices, weights = simplex_vertices(simplices), simplices.weights
    full = torch.cat([vertices, -vertices.sum(-1, keepdim=True)], -1).double()
    elevated = positions @ elevation_matrix(d, torch.float64).T
    assert weights.min() >= 0
    assert_close(weights.sum(1), torch.ones(300, dtype=torch.float64))
    assert_close((weights.unsqueeze(-1) * full).sum(1), elevated)
    # Vertex r of each simplex has every full coordinate congruent to r mod d + 1.
    remainder = torch.remainder(full, d + 1).long()
    expected = torch.arange(d + 1).view(1, d + 1, 1).expand_as(remainder)
    assert torch.equal(remainder, expected)


@pytest.mark.parametrize("d", [1, 2, 4, 8])
def test_elevation_columns_orthogonal_and_in_hyperplane(d):
    matrix = elevation_matrix(d, torch.float64)
    assert_close(matrix.sum(0), torch.zeros(d, dtype=torch.float64))
    gram = matrix.T @ matrix
    assert_close(gram, torch.diag(gram.diagonal()))
    # Column i has squared norm s_i^2 (i + 1)(i + 2) = (2/3)(d + 1)^2 for every i, so
    # the map scales all input directions alike and the kernel stays isotropic.
    expected = torch.full((d,), 2 / 3 * (d + 1) ** 2, dtype=torch.float64)
    assert_close(gram.diagonal(), expected)


@pytest.mark.parametrize("d", [2, 4, 8])
def test_lattice_matches_dense_filter(d):
    # The error varies from draw to draw by a factor of about 4 (the table in
    # graphkit.lattice.filter), so the test checks each of 20 draws and their mean.
    errors = []
    for seed in range(20):
        torch.manual_seed(seed)
        positions = torch.rand(1000, d, dtype=torch.float64) * 2
        values = torch.randn(1000, 4, dtype=torch.float64)
        exact = dense_gaussian_filter(positions, values)
        approx = gaussian_filter(positions, values)
        errors.append(((approx - exact).norm() / exact.norm()).item())
    worst = max(errors)
    mean = sum(errors) / len(errors)
    assert worst < RELATIVE_ERROR_BOUND[d], f"d={d}: relative errors {errors}"
    assert mean < lattice_filter.MEAN_RELATIVE_ERROR_BOUND[d], f"d={d}: mean {mean:.3f}"


def test_lattice_keeps_constant_values():
    torch.manual_seed(0)
    positions = torch.randn(200, 3, dtype=torch.float64)
    values = torch.full((200, 2), 2.5, dtype=torch.float64)
    assert_close(gaussian_filter(positions, values), values)


def test_far_apart_points_do_not_mix():
    positions = torch.tensor([[0.0, 0.0], [50.0, 0.0]], dtype=torch.float64)
    values = torch.tensor([[1.0], [-3.0]], dtype=torch.float64)
    assert_close(gaussian_filter(positions, values), values)


@pytest.mark.parametrize("normalize", [True, False])
def test_gradcheck_values_and_positions(normalize):
    torch.manual_seed(3)
    positions = (torch.rand(8, 3, dtype=torch.float64) * 2).requires_grad_()
    values = torch.randn(8, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda p, v: gaussian_filter(p, v, normalize), (positions, values)
    )


def test_gradients_point_toward_dense_gradients():
    # The lattice differentiates its own approximation, so its position gradient is
    # only close to the exact one; it must at least agree in direction.
    torch.manual_seed(4)
    positions = (torch.rand(400, 2, dtype=torch.float64) * 3).requires_grad_()
    values = torch.randn(400, 3, dtype=torch.float64)
    target = torch.randn(400, 3, dtype=torch.float64)
    grads = [
        torch.autograd.grad((f(positions, values) * target).sum(), positions)[0]
        for f in (gaussian_filter, dense_gaussian_filter)
    ]
    cosine = torch.nn.functional.cosine_similarity(
        grads[0].flatten(), grads[1].flatten(), 0
    )
    assert cosine > 0.8


def test_node_order_does_not_change_output():
    torch.manual_seed(5)
    positions = torch.randn(500, 4, dtype=torch.float64) * 2
    values = torch.randn(500, 3, dtype=torch.float64)
    perm = torch.randperm(500)
    out = gaussian_filter(positions, values)
    out_perm = gaussian_filter(positions[perm], values[perm])
    assert_close(out_perm, out[perm])


@pytest.mark.parametrize("d", [2, 4, 8])
def test_direct_sort_and_row_tables_agree(d):
    # Direct addressing and sorting both number the vertices in increasing code order,
    # so their tables, outputs and gradients are identical. The row method numbers the
    # vertices in another order, so its results agree only up to rounding.
    torch.manual_seed(6)
    positions = (torch.rand(400, d, dtype=torch.float64) * 3).requires_grad_()
    values = torch.randn(400, 2, dtype=torch.float64, requires_grad=True)
    target = torch.randn(400, 2, dtype=torch.float64)
    results = {}
    for method in ("direct", "sort", "rows"):
        lattice = PermutohedralLattice(positions, method=method)
        assert lattice.table.method == method
        out = lattice.filter(values)
        grads = torch.autograd.grad((out * target).sum(), (positions, values))
        results[method] = (lattice.table, out, *grads)
    direct, ordered = results["direct"], results["sort"]
    assert torch.equal(direct[0].index, ordered[0].index)
    assert torch.equal(direct[0].neighbours, ordered[0].neighbours)
    for a, b in zip(direct[1:], ordered[1:]):
        assert torch.equal(a, b)
    rows = results["rows"]
    assert rows[0].num_vertices == direct[0].num_vertices
    for a, b in zip(direct[1:], rows[1:]):
        assert_close(a, b)


def test_auto_method_follows_code_range():
    # Points at constant density fill their bounding box, so the code range is small
    # and "auto" addresses directly. Two clusters 12 units apart make the range about
    # 70 times the number of codes, so "auto" sorts.
    torch.manual_seed(11)
    dense = torch.rand(2000, 4, dtype=torch.float64) * 4
    assert PermutohedralLattice(dense).table.method == "direct"
    spread = torch.rand(200, 4, dtype=torch.float64)
    spread[:100] += 12.0
    lattice = PermutohedralLattice(spread)
    assert lattice.table.method == "sort"
    values = torch.randn(200, 2, dtype=torch.float64)
    out = lattice.filter(values)
    assert torch.equal(
        out, PermutohedralLattice(spread, method="direct").filter(values)
    )


def test_lattice_rejects_unknown_method():
    with pytest.raises(ValueError, match="invalid method 'hash'"):
        PermutohedralLattice(torch.randn(5, 2), method="hash")


def test_wide_spread_falls_back_to_row_keys():
    # Two clusters about 1e5 lattice units apart in d = 8 do not fit a 62-bit code.
    # The shift is a lattice vector, so each cluster must give the same output as
    # when it is filtered alone.
    torch.manual_seed(7)
    d = 8
    positions = torch.rand(200, d, dtype=torch.float64) * 2
    values = torch.randn(200, 2, dtype=torch.float64)
    lattice_vector = torch.zeros(d + 1, dtype=torch.float64)
    lattice_vector[0], lattice_vector[1] = 9 * 2e4, -9 * 2e4
    shift = torch.linalg.pinv(elevation_matrix(d, torch.float64)) @ lattice_vector
    shifted = positions.clone()
    shifted[:100] += shift
    out = gaussian_filter(shifted, values)
    assert_close(out[:100], gaussian_filter(positions[:100], values[:100]))
    assert_close(out[100:], gaussian_filter(positions[100:], values[100:]))


def test_far_clusters_sort_64_bit_codes():
    # Clusters about 1e5 lattice units apart in d = 4 need codes beyond 32 bits. The
    # code range is also far above DIRECT_RANGE_FACTOR (8) times the number of codes,
    # so "auto" sorts int64 codes.
    torch.manual_seed(12)
    d = 4
    positions = torch.rand(200, d, dtype=torch.float64) * 2
    values = torch.randn(200, 2, dtype=torch.float64)
    lattice_vector = torch.zeros(d + 1, dtype=torch.float64)
    lattice_vector[0], lattice_vector[1] = 5 * 20000, -5 * 20000
    shift = torch.linalg.pinv(elevation_matrix(d, torch.float64)) @ lattice_vector
    shifted = positions.clone()
    shifted[:100] += shift
    lattice = PermutohedralLattice(shifted)
    assert lattice.table.method == "sort"
    out = lattice.filter(values)
    assert_close(out[:100], gaussian_filter(positions[:100], values[:100]))
    assert_close(out[100:], gaussian_filter(positions[100:], values[100:]))


def test_block_sizes_do_not_change_results(monkeypatch):
    # Tiny blocks split every blocked step (rounding, codes, splat, weight gradient)
    # into many pieces, including a short last one.
    torch.manual_seed(13)
    positions = (torch.rand(500, 3, dtype=torch.float64) * 3).requires_grad_()
    values = torch.randn(500, 2, dtype=torch.float64, requires_grad=True)
    target = torch.randn(500, 2, dtype=torch.float64)

    def run():
        out = gaussian_filter(positions, values)
        grads = torch.autograd.grad((out * target).sum(), (positions, values))
        return out, *grads

    expected = run()
    monkeypatch.setattr(simplex, "BLOCK_POINTS", 7)
    monkeypatch.setattr(table, "BLOCK_POINTS", 7)
    monkeypatch.setattr(table, "SPLAT_ROWS", 7)
    monkeypatch.setattr(lattice_filter, "GRADIENT_ROWS", 7)
    for blocked, unblocked in zip(run(), expected):
        assert_close(blocked, unblocked)


def test_float32_matches_float64():
    torch.manual_seed(8)
    positions = torch.randn(300, 4, dtype=torch.float64)
    values = torch.randn(300, 3, dtype=torch.float64)
    out64 = gaussian_filter(positions, values)
    out32 = gaussian_filter(positions.float(), values.float())
    assert_close(out32.double(), out64, atol=1e-4, rtol=1e-4)


def test_filter_rejects_mismatched_values():
    lattice = PermutohedralLattice(torch.randn(5, 2))
    with pytest.raises(ValueError, match="n = 5 rows"):
        lattice.filter(torch.randn(4, 3))


def test_simplex_rejects_integer_positions():
    with pytest.raises(ValueError, match="floating-point"):
        enclosing_simplex(torch.zeros(3, 2, dtype=torch.long))


def test_dense_reference_by_hand():
    positions = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
    values = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    k = math.exp(-0.5)
    expected = torch.tensor([[1 / (1 + k)], [k / (1 + k)]], dtype=torch.float64)
    assert_close(dense_gaussian_filter(positions, values), expected)


def test_dense_reference_unnormalized_by_hand():
    # Without the division by the row sums, y_i is the kernel-weighted sum itself.
    positions = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
    values = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    expected = torch.tensor([[1.0], [math.exp(-0.5)]], dtype=torch.float64)
    assert_close(dense_gaussian_filter(positions, values, normalize=False), expected)


def test_dense_reference_enforces_budget():
    positions = torch.randn(100, 2)
    with pytest.raises(DenseBudgetError, match="over the budget"):
        dense_gaussian_filter(positions, torch.randn(100, 1), budget_bytes=1000)


def test_dense_budget_boundary():
    # 100 float32 points need 5 * 100 * 100 * 4 = 200,000 bytes. A budget of exactly
    # that runs, and one byte less raises.
    positions = torch.randn(100, 2)
    values = torch.randn(100, 1)
    assert dense_memory_bytes(100) == 200_000
    out = dense_gaussian_filter(positions, values, budget_bytes=200_000)
    assert out.shape == (100, 1)
    with pytest.raises(DenseBudgetError, match="over the budget"):
        dense_gaussian_filter(positions, values, budget_bytes=199_999)


@pytest.mark.parametrize("method", ["direct", "sort", "rows"])
def test_splat_and_slice_match_dense_matrix(method):
    torch.manual_seed(9)
    positions = torch.randn(60, 3, dtype=torch.float64)
    lattice = PermutohedralLattice(positions, method=method)
    table, weights = lattice.table, lattice.weights.detach()
    expected = torch.zeros(lattice.num_vertices, 60, dtype=torch.float64)
    for i in range(60):
        for r in range(4):
            expected[table.index[i, r], i] += weights[i, r]
    # Every vertex is used by at least one point.
    assert (expected.sum(1) > 0).all()
    values = torch.randn(60, 3, dtype=torch.float64)
    grid = torch.randn(lattice.num_vertices, 3, dtype=torch.float64)
    assert_close(table.splat(values, weights), expected @ values)
    assert_close(table.slice(grid, weights), expected.T @ grid)
    assert_close(table.slice_matrix(weights).to_dense(), expected.T)


def test_descending_rank_breaks_ties_by_position():
    # Two points, coordinate-major: (3, 1, 3, 0) and (2, 2, 2, 5). Equal values rank
    # the earlier coordinate first.
    residual = torch.tensor([[3.0, 2.0], [1.0, 2.0], [3.0, 2.0], [0.0, 5.0]])
    rank = simplex.descending_rank(residual)
    assert rank.dtype == torch.int16
    assert rank[:, 0].tolist() == [0, 2, 1, 3]
    assert rank[:, 1].tolist() == [1, 2, 3, 0]
