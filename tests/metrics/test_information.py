"""Entropy, mutual information and the permutation baseline against scikit-learn."""

from __future__ import annotations

import math

import pytest
import torch
from sklearn.metrics import adjusted_mutual_info_score, mutual_info_score

from graphkit.metrics.information import (
    entropy,
    expected_mutual_information,
    mutual_information,
    mutual_information_from_pairs,
)


def test_entropy_hand_value():
    assert entropy(torch.tensor([0.5, 0.25, 0.25, 0.0])) == pytest.approx(
        1.5 * math.log(2)
    )


def test_mutual_information_of_independent_table_is_zero():
    joint = torch.outer(torch.tensor([0.2, 0.8]), torch.tensor([0.5, 0.3, 0.2]))
    assert mutual_information(joint) == pytest.approx(0.0, abs=1e-15)


def test_mutual_information_of_diagonal_table():
    assert mutual_information(torch.eye(3)) == pytest.approx(math.log(3))


@pytest.mark.parametrize("rows, cols, n", [(3, 2, 20), (40, 4, 300), (150, 7, 900)])
def test_pairs_and_expectation_match_sklearn(rows, cols, n):
    gen = torch.Generator().manual_seed(rows)
    a = torch.randint(0, rows, (n,), generator=gen)
    b = torch.randint(0, cols, (n,), generator=gen)
    info, counts_a, counts_b = mutual_information_from_pairs(a, b)
    assert info == pytest.approx(mutual_info_score(a.numpy(), b.numpy()))
    assert counts_a.sum() == n
    assert counts_b.sum() == n
    expected = expected_mutual_information(counts_a, counts_b)
    # AMI with the "min" normaliser is (I - E) / (min(H_a, H_b) - E).
    h_a = entropy(counts_a.double() / n)
    h_b = entropy(counts_b.double() / n)
    ami = (info - expected) / (min(h_a, h_b) - expected)
    reference = adjusted_mutual_info_score(a.numpy(), b.numpy(), average_method="min")
    assert ami == pytest.approx(reference, abs=1e-9)


def test_expectation_uses_chunks(monkeypatch):
    from graphkit.metrics import information

    counts_a = torch.tensor([5, 5, 3, 7, 1, 1, 30])
    counts_b = torch.tensor([20, 22, 10])
    whole = expected_mutual_information(counts_a, counts_b)
    monkeypatch.setattr(information, "_TERMS_PER_CHUNK", 3)
    assert expected_mutual_information(counts_a, counts_b) == pytest.approx(whole)


def test_expectation_rejects_unequal_totals():
    with pytest.raises(ValueError, match="marginals disagree"):
        expected_mutual_information(torch.tensor([2, 3]), torch.tensor([4]))


def test_expectation_of_single_column_is_zero():
    value = expected_mutual_information(torch.tensor([2, 3]), torch.tensor([5]))
    assert value == pytest.approx(0.0, abs=1e-12)


def test_expectation_with_singleton_rows_is_entropy():
    # Every sample alone in its row: any pairing gives I = H(B) = log 2.
    value = expected_mutual_information(torch.tensor([1] * 10), torch.tensor([5, 5]))
    assert value == pytest.approx(math.log(2))


@pytest.mark.parametrize("swap", [False, True])
def test_expectation_with_singleton_values_is_exact_entropy(swap):
    # Every pairing gives I = H of the other variable, which must come out exactly,
    # with no rounding error from the hypergeometric sum.
    singletons = torch.ones(100_000, dtype=torch.int64)
    classes = torch.tensor([20_000, 30_000, 50_000])
    counts = (classes, singletons) if swap else (singletons, classes)
    value = expected_mutual_information(*counts)
    assert value == entropy(classes.double() / 100_000)


@pytest.mark.parametrize("seed", range(5))
def test_function_of_pairs_gives_exact_entropy(seed):
    # B is a function of A, so I(A; B) = H(B) without rounding error.
    generator = torch.Generator().manual_seed(seed)
    a = torch.randint(0, 97, (1500,), generator=generator)
    b = (a * 7 + 3) % 5
    info, _, counts_b = mutual_information_from_pairs(a, b)
    assert info == entropy(counts_b.double() / a.numel())


def test_independent_pairs_give_zero():
    # Every (a, b) pair occurs once, so A and B are independent.
    a = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2])
    b = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2])
    assert mutual_information_from_pairs(a, b)[0] == 0.0
