"""--set reads values as Python and YAML write them: lists in brackets, values in quotes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest
from graphkit.extras import registry


@dataclass
class _Config:
    configs: tuple[int, ...] = (21,)
    names: tuple[str, ...] = ("a",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("[21, 22]", (21, 22)), ("(23,)", (23,)), ("[]", ()), ("24,25", (24, 25))],
)
def test_bracketed_tuple_parsed(text, expected):
    config = registry.apply_overrides(_Config(), [f"configs={text}"])
    assert config.configs == expected


def test_unbalanced_bracket_rejected():
    with pytest.raises(ValueError, match="expected a value of type int"):
        registry.apply_overrides(_Config(), ["configs=[21,22"])


def test_bracketed_strings_parsed():
    config = registry.apply_overrides(_Config(), ["names=[x, y]"])
    assert config.names == ("x", "y")


@pytest.mark.parametrize(
    ("text", "expected"),
    [('"21,22"', (21, 22)), ("'[21, 22]'", (21, 22)), ('"23"', (23,))],
)
def test_quoted_whole_tuple_parsed(text, expected):
    # The first item used to keep the opening quote and fail to parse as "21.
    config = registry.apply_overrides(_Config(), [f"configs={text}"])
    assert config.configs == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("'x','y'", ("x", "y")), ("\"x\", 'y'", ("x", "y")), ("'x,y'", ("x", "y"))],
)
def test_quoted_string_items_parsed(text, expected):
    config = registry.apply_overrides(_Config(), [f"names={text}"])
    assert config.names == expected


@dataclass
class _ScalarConfig:
    mode: Literal["sample", "sum"] = "sum"
    name: str = "camera"
    epochs: int = 1
    rate: float | None = 0.1


@pytest.mark.parametrize(
    ("pair", "field", "expected"),
    [
        ("mode='sample'", "mode", "sample"),
        ('name="astronaut"', "name", "astronaut"),
        ("epochs='3'", "epochs", 3),
        ("rate='none'", "rate", None),
        ('rate="0.5"', "rate", 0.5),
    ],
)
def test_quoted_scalar_parsed(pair, field, expected):
    # A quoted Literal used to fail with "expected one of sample, sum", and a
    # quoted str kept its quotes.
    config = registry.apply_overrides(_ScalarConfig(), [pair])
    assert getattr(config, field) == expected


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [(list[int], [21, 22]), (tuple[int, ...], (21, 22))],
)
def test_list_field_stays_list(annotation, expected):
    value = registry.parse_value("[21, 22]", annotation, "configs")
    assert value == expected
    assert type(value) is type(expected)
