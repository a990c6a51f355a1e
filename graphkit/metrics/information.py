"""Entropy, mutual information and its expectation under random label permutation.

All quantities are in nats and computed in float64. The normalised measures built on
them (label informativeness, NIC) are ratios, so the log base cancels.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from graphkit.metrics.sorting import unique_inverse_counts

# Upper bound on the hypergeometric terms held in memory at once by
# expected_mutual_information (float64, a few temporaries each).
_TERMS_PER_CHUNK = 1 << 22


def entropy(p: Tensor) -> float:
    """Return ``H(p) = -sum_k p_k log p_k`` of a probability vector (0 log 0 = 0)."""
    p = p.double()
    p = p[p > 0]
    # Every term is >= 0; max turns the -0.0 of a single class into 0.0 for messages.
    return max(0.0, float(-(p * p.log()).sum()))


def mutual_information(joint: Tensor) -> float:
    """Return ``I(A; B) = sum_ab p(a,b) log(p(a,b) / (p(a) p(b)))`` of a joint table.

    Args:
        joint (Tensor): non-negative ``[R, C]`` table of counts or probabilities;
            it is normalised to sum 1, and the marginals are its row and column sums.
    """
    joint = joint.double()
    joint = joint / joint.sum()
    row = joint.sum(dim=1, keepdim=True)
    col = joint.sum(dim=0, keepdim=True)
    nonzero = joint > 0
    ratio = joint[nonzero] / (row * col).expand_as(joint)[nonzero]
    return float((joint[nonzero] * ratio.log()).sum())


def mutual_information_from_pairs(a: Tensor, b: Tensor) -> tuple[float, Tensor, Tensor]:
    """Return the plug-in ``I(A; B)`` of paired samples and the two value counts.

    Args:
        a (Tensor): int64 ids ``[n]`` in ``[0, R)``.
        b (Tensor): int64 ids ``[n]`` in ``[0, C)``.

    Returns:
        ``(I, counts_a [R], counts_b [C])``. Only the non-zero cells of the ``R x C``
        table are formed, so memory is linear in ``n`` even when ``R`` is close to ``n``.
    """
    n = a.numel()
    num_b = int(b.max()) + 1
    cells, _, n_ab = unique_inverse_counts(a * num_b + b)
    counts_a = torch.bincount(a)
    counts_b = torch.bincount(b, minlength=num_b)
    n_ab = n_ab.double()
    # I = H(B) - H(B | A), with H(B | A) = sum n_ab / n log(n_a / n_ab). Where B is a
    # function of A, every log is log 1 = 0, so I equals H(B) without rounding error.
    conditional = float(
        (n_ab / n * (counts_a[cells // num_b].double() / n_ab).log()).sum()
    )
    # Rounding can leave -2e-16 for independent samples, where I is 0 (I >= 0 always).
    info = max(0.0, entropy(counts_b.double() / n) - conditional)
    return info, counts_a, counts_b


def expected_mutual_information(counts_a: Tensor, counts_b: Tensor) -> float:
    """Return ``E[I(A; B)]`` over uniformly random pairings with fixed marginals.

    This is the permutation baseline: keep the value counts ``a_i`` of ``A`` and
    ``b_j`` of ``B`` (``n = sum a_i = sum b_j`` samples), pair the samples at random,
    and average the plug-in mutual information over all pairings. The cell count
    ``n_ij`` is then hypergeometric, which gives the expectation used by adjusted
    mutual information (Vinh, Epps and Bailey, JMLR 2010). The tests check it against
    scikit-learn's ``adjusted_mutual_info_score``:

    .. math::
        E[I] = \\sum_{i,j} \\sum_{k=\\max(1, a_i+b_j-n)}^{\\min(a_i, b_j)}
            \\frac{k}{n} \\log\\frac{n k}{a_i b_j}
            \\frac{a_i!\\, b_j!\\, (n-a_i)!\\, (n-b_j)!}
                  {n!\\, k!\\, (a_i-k)!\\, (b_j-k)!\\, (n-a_i-b_j+k)!}.

    The sum is exact (no sampling). Rows with equal ``a_i`` give equal terms, so the
    sum runs over the distinct values of ``a`` (at most ``sqrt(2n)`` of them) times
    their multiplicity. Each pair adds at most ``min(a_i, b_j)`` terms, so a ``B`` with
    ``C`` values gives fewer than ``C n`` terms.

    Args:
        counts_a (Tensor): value counts of ``A``, ``[R]`` (zeros are ignored).
        counts_b (Tensor): value counts of ``B``, ``[C]``, with the same total.
    """
    counts_a = counts_a[counts_a > 0].long()
    counts_b = counts_b[counts_b > 0].long()
    n = int(counts_a.sum())
    if n != int(counts_b.sum()):
        raise ValueError(
            f"marginals disagree: counts_a sums to {n}, counts_b to {int(counts_b.sum())}; "
            "both must count the same samples"
        )
    # With every sample alone in its value of A (or of B), every pairing gives
    # I = H(B) (or H(A)). The sum below would leave a rounding error of about 1e-10
    # nats at n = 1e5, enough to turn NIC's 0 / 0 into a value.
    if bool((counts_a == 1).all()):
        return entropy(counts_b.double() / n)
    if bool((counts_b == 1).all()):
        return entropy(counts_a.double() / n)
    sizes_a, multiplicity = torch.unique(counts_a, return_counts=True)
    # One row per (distinct a, b) pair.
    a = sizes_a.repeat_interleave(counts_b.numel())
    b = counts_b.repeat(sizes_a.numel())
    weight = multiplicity.repeat_interleave(counts_b.numel()).double()
    low = torch.clamp(a + b - n, min=1)
    high = torch.minimum(a, b)
    length = torch.clamp(high - low + 1, min=0)

    total = 0.0
    start = 0
    cumulative = torch.cumsum(length, 0)
    while start < a.numel():
        # Pairs [start, stop) contain at most _TERMS_PER_CHUNK terms (at least one pair).
        budget = (cumulative[start - 1] if start > 0 else 0) + _TERMS_PER_CHUNK
        stop = max(start + 1, int(torch.searchsorted(cumulative, budget, right=True)))
        part = slice(start, stop)
        total += _expected_mi_terms(
            a[part], b[part], weight[part], low[part], length[part], n
        )
        start = stop
    return total


def _expected_mi_terms(
    a: Tensor, b: Tensor, weight: Tensor, low: Tensor, length: Tensor, n: int
) -> float:
    pair = torch.repeat_interleave(torch.arange(a.numel()), length)
    offset = torch.arange(pair.numel()) - torch.repeat_interleave(
        torch.cumsum(length, 0) - length, length
    )
    k = (low[pair] + offset).double()
    a, b, w = a[pair].double(), b[pair].double(), weight[pair]
    log_pmf = (
        torch.lgamma(a + 1)
        + torch.lgamma(b + 1)
        + torch.lgamma(n - a + 1)
        + torch.lgamma(n - b + 1)
        - math.lgamma(n + 1)
        - torch.lgamma(k + 1)
        - torch.lgamma(a - k + 1)
        - torch.lgamma(b - k + 1)
        - torch.lgamma(n - a - b + k + 1)
    )
    term = k / n * (math.log(n) + k.log() - a.log() - b.log()) * log_pmf.exp()
    return float((w * term).sum())
