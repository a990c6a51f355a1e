"""NullHop rejects crop sizes it cannot use before the CNN trains."""

import pytest
from graphkit.extras.efficient import nullhop


@pytest.mark.parametrize("size", [0, 1])
def test_crop_below_pooling_size_rejected(size):
    with pytest.raises(ValueError, match=f"image_size={size} is invalid"):
        nullhop.Config(image_size=size)


def test_two_pixel_crop_accepted():
    assert nullhop.Config(image_size=2).image_size == 2


def test_zero_epochs_rejected():
    with pytest.raises(ValueError, match="epochs=0 is invalid"):
        nullhop.Config(epochs=0)


def test_crop_larger_than_picture_rejected(monkeypatch):
    # The camera picture is 512 x 512. The check runs before the CNN trains.
    def fail_training(*args, **kwargs):
        raise AssertionError("the CNN trained before the crop size was checked")

    monkeypatch.setattr(nullhop, "train_classifier", fail_training)
    config = nullhop.Config(image="camera", image_size=513)
    with pytest.raises(ValueError, match=r"image_size=513 exceeds .* \(512, 512\)"):
        nullhop.run(config)
