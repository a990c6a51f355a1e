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


def test_residual_invalid_value(capsys):
    with pytest.raises(SystemExit) as stop:
        _config(["--residual", "maybe"])
    assert stop.value.code == 2
    assert "argument --residual: expected true or false, got 'maybe'" in (
        capsys.readouterr().err
    )
