"""A --config file that is not UTF-8 text gets an error naming the file and the byte."""

import gzip

import pytest

from graphkit.train import TrainConfig


def test_gzip_config_named(tmp_path):
    path = tmp_path / "config.yaml.gz"
    path.write_bytes(gzip.compress(b"epochs: 2\n"))
    with pytest.raises(ValueError) as error:
        TrainConfig.from_yaml(path)
    assert str(error.value) == (
        f"{path}: not a YAML text file (byte 1 is 0x8b, invalid in UTF-8). Pass a "
        "YAML file of options saved as UTF-8 text"
    )


def test_bom_and_crlf_config_read(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xef\xbb\xbfepochs: 3\r\nhidden: 8 \r\n")
    config = TrainConfig.from_yaml(path)
    assert config.epochs == 3
    assert config.hidden == 8


def test_bom_config_error_names_first_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xef\xbb\xbfepochs: two\r\n")
    with pytest.raises(ValueError, match=r"config.yaml:1: option epochs must be of type int"):
        TrainConfig.from_yaml(path)
