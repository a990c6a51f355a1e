"""Spiking configs reject a count below 1 with "NAME=0 is invalid. Use a value >= 1."."""

from __future__ import annotations

import pytest
from graphkit.extras.spiking import local_errors, surrogate_snn, wta_stochastic


@pytest.mark.parametrize(
    "config, name",
    [
        (local_errors.Config, "hidden"),
        (local_errors.Config, "selection_seeds"),
        (wta_stochastic.Config, "groups"),
        (wta_stochastic.Config, "batch_size"),
        (surrogate_snn.Config, "steps"),
        (surrogate_snn.Config, "batch_size"),
    ],
)
def test_count_below_one_message(config, name):
    with pytest.raises(
        ValueError, match=rf"^{name}=0 is invalid\. Use a value >= 1\.$"
    ):
        config(**{name: 0})
