"""load_digits_split against scikit-learn's own stratified split and the scaling rules."""

from __future__ import annotations

import numpy as np
import pytest
from graphkit.extras.common.data import load_digits_split
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def _reference_split(seed: int, test_size: int = 360):
    digits = load_digits()
    x = digits.data.astype(np.float32)
    return train_test_split(
        x, digits.target, test_size=test_size, random_state=seed, stratify=digits.target
    )


@pytest.mark.parametrize("seed", [0, 3])
def test_split_is_stratified_and_seeded(seed):
    split = load_digits_split(seed=seed, scaling="unit")
    _, _, y_train, y_test = _reference_split(seed)
    assert split.x_train.shape == (1437, 64)
    assert split.x_test.shape == (360, 64)
    assert split.y_train.tolist() == y_train.tolist()
    assert split.y_test.tolist() == y_test.tolist()
    # A stratified split gives every class 35 to 37 of the 360 test samples.
    counts = np.bincount(split.y_test.numpy(), minlength=10)
    assert counts.min() >= 35
    assert counts.max() <= 37


def test_unit_and_symmetric_scaling():
    _, x_test, _, _ = _reference_split(0)
    unit = load_digits_split(scaling="unit")
    np.testing.assert_allclose(unit.x_test.numpy(), x_test / 16.0)
    assert float(unit.x_train.min()) == 0.0
    assert float(unit.x_train.max()) == 1.0
    symmetric = load_digits_split(scaling="symmetric")
    np.testing.assert_allclose(symmetric.x_test.numpy(), x_test / 8.0 - 1.0)


def test_standardize_uses_training_statistics():
    x_train, x_test, _, _ = _reference_split(0)
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0) + 1e-3
    split = load_digits_split(scaling="standardize")
    np.testing.assert_allclose(split.x_train.numpy(), (x_train - mean) / std, rtol=1e-6)
    np.testing.assert_allclose(split.x_test.numpy(), (x_test - mean) / std, rtol=1e-6)


def test_images_shape():
    split = load_digits_split(images=True)
    assert split.x_train.shape == (1437, 1, 8, 8)
    assert split.x_test.shape == (360, 1, 8, 8)


def test_images_match_sklearn_images():
    # scikit-learn also stores each digit as an 8x8 image (rows top to bottom), so the
    # same stratified split of those images gives the expected pixels. A transposed
    # or column-major reshape keeps the shape but fails here.
    digits = load_digits()
    _, images_test = train_test_split(
        digits.images.astype(np.float32),
        test_size=360,
        random_state=0,
        stratify=digits.target,
    )
    split = load_digits_split(scaling="unit", images=True)
    np.testing.assert_array_equal(split.x_test[:, 0].numpy(), images_test / 16.0)
