"""TrainConfig rejects an lr, weight_decay or timeout_s that torch cannot take.

Such values used to fail after the data had loaded: lr 1e300 inside Adam with
"value cannot be converted to type float without overflow", and timeout_s 1e300
in a distributed run with an OverflowError from timedelta.
"""

import pytest

from graphkit.train import TrainConfig


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("lr", 1e300, "lr=1e+300 is out of range. Give a positive learning rate up "
         "to 3.4e+37"),
        ("weight_decay", 1e39, "weight_decay=1e+39 is out of range. Give a weight "
         "decay up to 3.40282e+38"),
        ("timeout_s", 1e10, "timeout_s=10000000000.0 is out of range. Give a "
         "positive number of seconds up to 1e+09"),
    ],
)
def test_float_above_maximum_rejected(name, value, message):
    with pytest.raises(ValueError) as caught:
        TrainConfig(**{name: value})
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "value"),
    [("lr", 3.4e37), ("weight_decay", 3.4028234663852886e38), ("timeout_s", 1e9)],
)
def test_float_maximum_accepted(name, value):
    assert getattr(TrainConfig(**{name: value}), name) == value
