"""Config errors of the efficient-inference experiments name the invalid value."""

from __future__ import annotations

import pytest
from graphkit.extras.efficient import onebit


def test_onebit_empty_seeds_named():
    with pytest.raises(ValueError, match=r"seeds=\(\)"):
        onebit.Config(seeds=())
