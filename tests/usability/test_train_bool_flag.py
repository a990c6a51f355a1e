"""A bool option such as --residual works alone, as a flag, and with a value."""

import argparse

import pytest

from graphkit.train.config import add_config_arguments, config_from_args


def _config(argv):
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    return config_from_args(parser.parse_args(argv))


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], False),
        (["--residual"], True),
        (["--residual", "--epochs", "3"], True),
        (["--residual", "true"], True),
        (["--residual", "false"], False),
        (["--residual", "no"], False),
    ],
)
def test_residual_flag_forms(argv, expected):
    assert _config(argv).residual is expected


def test_residual_invalid_value():
    with pytest.raises(SystemExit):
        _config(["--residual", "maybe"])
