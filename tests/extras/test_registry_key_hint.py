"""--set names the close match of a mistyped config key."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graphkit.extras import registry


@dataclass
class _Config:
    epochs: int = 3
    lite_configs: tuple[int, ...] = (21,)


def test_close_key_named():
    with pytest.raises(
        ValueError, match=r"\(did you mean 'lite_configs'\?\); valid keys"
    ):
        registry.apply_overrides(_Config(), ["lite_config=22"])


def test_far_key_lists_valid_keys_only():
    with pytest.raises(ValueError) as error:
        registry.apply_overrides(_Config(), ["zzz=1"])
    assert "did you mean" not in str(error.value)
    assert "valid keys: epochs, lite_configs" in str(error.value)
