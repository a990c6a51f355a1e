"""The attn_upsample Config rejects invalid options before any model trains."""

from __future__ import annotations

import pytest
from graphkit.extras.efficient.attn_upsample import Config


@pytest.mark.parametrize(
    "options, message",
    [
        ({"window": 0}, "invalid window=0: use a positive odd number such as 3"),
        (
            {"context_kernel": 4},
            "invalid context_kernel=4: use a positive odd number such as 1 or 5",
        ),
        (
            {"form": "taps", "window": 1},
            "invalid window=1: use an odd number of at least 3, so that the window "
            "contains the bilinear neighbors",
        ),
        (
            {"form": "taps", "image_query": 2},
            "invalid image_query=2: use 0 (no image guide) or an odd kernel side "
            "such as 3",
        ),
        ({"train_patches": 0}, "train_patches=0 is invalid. Use a value >= 1."),
        ({"test_patches": -1}, "test_patches=-1 is invalid. Use a value >= 1."),
        (
            {"train_images": ()},
            "train_images is empty. Name at least one scikit-image picture, for "
            "example camera",
        ),
        (
            {"test_images": ()},
            "test_images is empty. Name at least one scikit-image picture, for "
            "example camera",
        ),
        (
            {"train_images": ("camera", "coins"), "test_images": ("coins",)},
            "train_images=('camera', 'coins') and test_images=('coins',) share "
            "['coins']. Remove them from one of the two",
        ),
    ],
)
def test_config_rejects_invalid_option(options, message):
    # The run builds the attention model only after the transposed-convolution model
    # has trained, so its own checks would come minutes late.
    with pytest.raises(ValueError) as caught:
        Config(**options)
    assert str(caught.value) == message


def test_config_accepts_defaults_and_smoke():
    assert Config().window == 3
    assert Config.smoke().test_images == ("coins",)
    assert Config(form="taps", window=5).window == 5
