"""Ultra rejects hidden sizes and layer counts that build no working model."""

import pytest

from graphkit.kg import Ultra


@pytest.mark.parametrize(
    "arguments, message",
    [
        # range(-1) is empty, so without the check this builds a model with no layers.
        ({"num_layers": -1}, r"num_layers=-1 is invalid"),
        ({"num_layers": 0}, r"num_layers=0 is invalid"),
        ({"dim": 0}, r"dim=0 is invalid"),
        ({"dim": 2.5}, r"dim=2\.5 is invalid"),
        ({"dim": True}, r"dim=True is invalid"),
    ],
)
def test_invalid_sizes_rejected(arguments, message):
    with pytest.raises(ValueError, match=message):
        Ultra(**arguments)


def test_small_model_built():
    assert Ultra(dim=4, num_layers=1).config == {"dim": 4, "num_layers": 1}
