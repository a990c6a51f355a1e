"""The shared text for a whole number above the int64 maximum."""

from graphkit.int64 import out_of_range_message


def test_message_names_value_and_range():
    assert out_of_range_message("--epochs 1e30", 1) == (
        "--epochs 1e30 is out of range. Give a whole number from 1 to "
        "9223372036854775807, the 64-bit integer range"
    )
