"""Invalid YAML in --dataset-options names the character where parsing failed."""

import argparse

import pytest
from graphkit.launch.cmd_partition import yaml_mapping


def test_unclosed_brace_named():
    with pytest.raises(argparse.ArgumentTypeError) as error:
        yaml_mapping("{labels: l.txt")
    assert str(error.value) == (
        "expected a mapping like '{num_nodes: 1000}', got '{labels: l.txt' (invalid "
        "YAML at character 15: expected ',' or '}', but got '<stream end>')"
    )


def test_list_has_no_yaml_detail():
    with pytest.raises(argparse.ArgumentTypeError) as error:
        yaml_mapping("[1]")
    assert str(error.value) == "expected a mapping like '{num_nodes: 1000}', got '[1]'"


def test_valid_mapping_parsed():
    assert yaml_mapping("{labels: l.txt, seed: 1e3}") == {"labels": "l.txt", "seed": 1000.0}
