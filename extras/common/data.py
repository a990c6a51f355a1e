"""Data that ships with the installed packages: scikit-learn digits and scikit-image images.

Nothing here downloads. ``load_digits_split`` always returns the same stratified split
(1,437 train / 360 test) for a given seed, so every experiment compares on the same data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch

logger = logging.getLogger(__name__)

#: scikit-image sample images (grayscale versions are used) that ship inside the wheel.
SKIMAGE_IMAGES = ("camera", "coins", "astronaut", "coffee", "chelsea", "moon", "rocket")
# Names in skimage.data.__all__ (scikit-image 0.26) that are not image loaders.
_SKIMAGE_HELPERS = {
    "data_dir",
    "download_all",
    "file_hash",
    "lbp_frontal_face_cascade_filename",
}


@dataclass(frozen=True)
class DigitsSplit:
    """scikit-learn digits as tensors.

    Shapes:
        x_train: ``(1437, 64)`` float32, or ``(1437, 1, 8, 8)`` with ``images=True``.
        y_train: ``(1437,)`` int64 in ``[0, 10)``.
        x_test, y_test: the same with 360 rows.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def num_classes(self) -> int:
        return 10


def load_digits_split(
    seed: int = 0,
    test_size: int = 360,
    scaling: str = "standardize",
    images: bool = False,
) -> DigitsSplit:
    """Load the 1,797 8x8 digits with a fixed stratified train/test split.

    Args:
        seed (int, default 0): seed of the split.
        test_size (int, default 360): number of test samples.
        scaling (str, default "standardize"): ``"standardize"`` (per-pixel mean and
            standard deviation of the training set), ``"unit"`` (pixel / 16 in ``[0, 1]``)
            or ``"symmetric"`` (pixel / 8 - 1 in ``[-1, 1]``).
        images (bool, default False): return ``(N, 1, 8, 8)`` instead of ``(N, 64)``.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data.astype(np.float32)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y
    )
    if scaling == "standardize":
        mean = x_train.mean(axis=0)
        std = x_train.std(axis=0) + 1e-3  # the border pixels are constant zero
        x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    elif scaling == "unit":
        x_train, x_test = x_train / 16.0, x_test / 16.0
    elif scaling == "symmetric":
        x_train, x_test = x_train / 8.0 - 1.0, x_test / 8.0 - 1.0
    else:
        raise ValueError(
            f"scaling={scaling!r} is invalid; expected standardize, unit or symmetric"
        )
    tensors = [torch.from_numpy(np.ascontiguousarray(a)) for a in (x_train, x_test)]
    if images:
        tensors = [t.reshape(-1, 1, 8, 8) for t in tensors]
    return DigitsSplit(
        x_train=tensors[0],
        y_train=torch.from_numpy(y_train),
        x_test=tensors[1],
        y_test=torch.from_numpy(y_test),
    )


def load_gray_image(name: str) -> np.ndarray:
    """Load a scikit-image sample image as float32 grayscale in ``[0, 1]``.

    Args:
        name (str): one of ``SKIMAGE_IMAGES``. Any other 2-D gray or RGB(A) image
            loader of ``skimage.data`` works too. Some of them download their file,
            which needs the pooch package. Without pooch they raise ValueError.

    Shapes:
        return: ``(H, W)``.
    """
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.util import img_as_float32

    # skimage.data also exports helpers that are not images. download_all fetches
    # every remote data set, so a name is looked up only among the image loaders.
    loaders = set(skimage.data.__all__) - _SKIMAGE_HELPERS
    if name not in loaders:
        raise ValueError(
            f"unknown scikit-image sample image {name!r}; try one of {SKIMAGE_IMAGES}"
        )
    try:
        image = getattr(skimage.data, name)()
    except ImportError as error:
        # Samples that do not ship with scikit-image are fetched with pooch.
        raise ValueError(
            f"scikit-image sample {name!r} must be downloaded, which failed ({error}). "
            f"Install pooch or use one of the bundled images {SKIMAGE_IMAGES}."
        ) from error
    is_gray = isinstance(image, np.ndarray) and image.ndim == 2
    is_color = (
        isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[-1] in (3, 4)
    )
    if not (is_gray or is_color):
        shape = getattr(image, "shape", type(image).__name__)
        raise ValueError(
            f"scikit-image sample {name!r} is not a 2-D gray or RGB(A) image "
            f"(got {shape}). Use one of {SKIMAGE_IMAGES}."
        )
    if is_color:
        image = rgb2gray(image[..., :3])
    return img_as_float32(image)


def sample_patches(
    names: tuple[str, ...] | list[str],
    patch_size: int,
    count: int,
    seed: int = 0,
) -> torch.Tensor:
    """Cut ``count`` random square grayscale patches from scikit-image sample images.

    Patches are spread evenly over the named images; positions come from ``seed``.

    Shapes:
        return: ``(count, 1, patch_size, patch_size)`` float32 in ``[0, 1]``.
    """
    if count < 1 or patch_size < 1:
        raise ValueError(f"count={count} and patch_size={patch_size} must be positive")
    if not names:
        raise ValueError(
            f"names is empty, so there is no image to cut patches from. Pass at least "
            f"one image name, for example {SKIMAGE_IMAGES[0]!r}."
        )
    rng = np.random.default_rng(seed)
    images = [load_gray_image(name) for name in names]
    patches = []
    for index in range(count):
        image = images[index % len(images)]
        height, width = image.shape
        if height < patch_size or width < patch_size:
            raise ValueError(
                f"patch_size={patch_size} exceeds image of shape {image.shape}"
            )
        top = rng.integers(0, height - patch_size + 1)
        left = rng.integers(0, width - patch_size + 1)
        patches.append(image[top : top + patch_size, left : left + patch_size])
    return torch.from_numpy(np.stack(patches)[:, None].astype(np.float32))
