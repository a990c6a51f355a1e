"""eas rejects an empty grid of pruning layers or sparsities in its config."""

import re

import pytest
from graphkit.extras.efficient import eas
from graphkit.extras.registry import apply_overrides


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "layers=",
            "layers is empty. Give at least one value, for example --set layers=1,2",
        ),
        (
            "sparsities=[]",
            (
                "sparsities is empty. Give at least one value, for example "
                "--set sparsities=0.2,0.4,0.5,0.6"
            ),
        ),
    ],
)
def test_empty_grid_rejected(setting, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        apply_overrides(eas.Config.smoke(), [setting])
