"""--set rejects a key given twice, reads quoted list items and names Optional types."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from graphkit.extras import registry


@dataclass
class _Config:
    epochs: int = 1
    names: tuple[str, ...] = ("a",)
    rate: float | None = 0.1


def test_repeated_key_rejected():
    message = (
        "--set epochs is given twice, as epochs=3 and epochs=4. Give each key once"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        registry.apply_overrides(_Config(), ["epochs=3", "epochs=4"])


def test_repeated_equal_value_accepted():
    config = registry.apply_overrides(_Config(), ["epochs=3", "epochs = 3"])
    assert config.epochs == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("['x', 'y']", ("x", "y")),
        ('["x","y"]', ("x", "y")),
        ("'x',y", ("x", "y")),
        ("[\"x']", ("\"x'",)),
    ],
)
def test_quoted_items_unquoted(text, expected):
    config = registry.apply_overrides(_Config(), [f"names={text}"])
    assert config.names == expected


def test_optional_error_names_none_once():
    with pytest.raises(ValueError) as caught:
        registry.apply_overrides(_Config(), ["rate=abc"])
    message = str(caught.value)
    assert message == "--set rate=abc: expected a value of type float, or none"


def test_missing_equals_gives_example():
    with pytest.raises(ValueError) as caught:
        registry.apply_overrides(_Config(), ["epochs"])
    message = str(caught.value)
    assert (
        message == "--set 'epochs': expected key=value, for example --set epochs=VALUE"
    )
