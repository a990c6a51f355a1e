"""``--set`` reads ints and floats in ASCII digits only, and errors show a valid int."""

from __future__ import annotations

import pytest
from graphkit.extras.overrides import parse_value


@pytest.mark.parametrize(
    "text, example",
    [("2_0", 20), ("\uff12", 2), ("1e3", 1000), ("1.0", 1), ("1.5", 1000), ("1e30", 1000)],
    ids=["underscore", "full-width", "exponent", "float", "fraction", "out-of-range"],
)
def test_int_other_spellings_rejected(text, example):
    # int() accepts "2_0" and "２", so without the ASCII-digit check they run as 20 and 2.
    with pytest.raises(ValueError) as error:
        parse_value(text, int, "epochs")
    assert str(error.value) == (
        f"--set epochs={text}: expected a value of type int. Give a whole number in "
        f"ASCII digits, such as {example}"
    )


@pytest.mark.parametrize("text, value", [("20", 20), ("-3", -3), ("+4", 4)])
def test_int_ascii_digits_accepted(text, value):
    assert parse_value(text, int, "epochs") == value


@pytest.mark.parametrize("text", ["1_0.5", "\uff11.5", "1e", "0x10", "1.5f"])
def test_float_other_spellings_rejected(text):
    with pytest.raises(ValueError, match="expected a value of type float"):
        parse_value(text, float, "lr")


@pytest.mark.parametrize(
    "text, value",
    [("0.5", 0.5), (".5", 0.5), ("5.", 5.0), ("-1e-3", -0.001), ("+1.5E+3", 1500.0)],
)
def test_float_usual_spellings_accepted(text, value):
    assert parse_value(text, float, "lr") == value


def test_optional_int_rejects_underscore():
    with pytest.raises(ValueError, match="expected a value of type int"):
        parse_value("1_000", int | None, "limit")
