"""scikit-image sample lookup, image shapes and patch sampling."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from graphkit.extras.common.data import load_gray_image, sample_patches


def test_download_all_not_called(monkeypatch):
    def fail():
        raise AssertionError("download_all was called")

    monkeypatch.setattr(skimage.data, "download_all", fail)
    with pytest.raises(ValueError, match="unknown scikit-image sample image"):
        load_gray_image("download_all")


@pytest.mark.parametrize("name", ["file_hash", "data_dir", "os", "no_such_image"])
def test_non_image_names_rejected(name):
    with pytest.raises(ValueError, match="unknown scikit-image sample image"):
        load_gray_image(name)


def test_volume_sample_rejected(monkeypatch):
    monkeypatch.setattr(skimage.data, "checkerboard", lambda: np.zeros((4, 5, 6)))
    with pytest.raises(ValueError, match=r"not a 2-D gray or RGB\(A\) image"):
        load_gray_image("checkerboard")


def test_rgba_sample_converts_to_gray(monkeypatch):
    rgba = np.zeros((2, 3, 4), dtype=np.uint8)
    rgba[..., :3] = 255
    monkeypatch.setattr(skimage.data, "logo", lambda: rgba)
    image = load_gray_image("logo")
    assert image.shape == (2, 3)
    assert image.dtype == np.float32
    np.testing.assert_allclose(image, 1.0)


def test_remote_sample_without_pooch(monkeypatch):
    def fetch():
        raise ModuleNotFoundError("No module named 'pooch'")

    monkeypatch.setattr(skimage.data, "eagle", fetch)
    with pytest.raises(ValueError, match="must be downloaded"):
        load_gray_image("eagle")


def test_sample_patches_rejects_no_images():
    # Patches are dealt over the images by index % len(names), which needs a name.
    with pytest.raises(ValueError, match="names is empty"):
        sample_patches((), patch_size=8, count=4)


def test_sample_patches_cycle_images_and_reach_edges(monkeypatch):
    # Each image is exactly one patch large, so the only position is (0, 0), and
    # patch i comes from image i % 2.
    from graphkit.extras.common import data

    images = {"dark": np.zeros((4, 4), np.float32), "light": np.ones((4, 4), np.float32)}
    monkeypatch.setattr(data, "load_gray_image", images.__getitem__)
    patches = sample_patches(("dark", "light"), patch_size=4, count=3)
    assert patches.shape == (3, 1, 4, 4)
    assert patches.amax(dim=(1, 2, 3)).tolist() == [0.0, 1.0, 0.0]
    assert patches.amin(dim=(1, 2, 3)).tolist() == [0.0, 1.0, 0.0]
