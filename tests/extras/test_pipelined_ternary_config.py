"""pipelined_ternary's config rejects negative and NaN error thresholds."""

import pytest
from graphkit.extras.spiking import pipelined_ternary


@pytest.mark.parametrize("name", ["threshold_out", "threshold_hidden"])
@pytest.mark.parametrize("value", [-0.1, float("nan")])
def test_invalid_threshold_rejected(name, value):
    with pytest.raises(ValueError, match=rf"^{name}={value} is invalid\. Use a value"):
        pipelined_ternary.Config(**{name: value})


def test_zero_threshold_accepted():
    config = pipelined_ternary.Config(threshold_out=0.0, threshold_hidden=0.0)
    assert (config.threshold_out, config.threshold_hidden) == (0.0, 0.0)
