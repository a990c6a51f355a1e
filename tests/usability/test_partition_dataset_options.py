"""``graphkit partition --dataset-options`` values parse as in ``graphkit train``."""

import argparse

import pytest
from graphkit.launch import cmd_partition


def test_exponent_float_is_number():
    # yaml.safe_load reads 5e-1 as the string '5e-1', which CSBMConfig rejects.
    options = cmd_partition.yaml_mapping("{homophily: 5e-1, num_nodes: 300}")
    assert options == {"homophily": 0.5, "num_nodes": 300}
    assert isinstance(options["homophily"], float)


def test_non_mapping_rejected():
    with pytest.raises(argparse.ArgumentTypeError, match="expected a mapping"):
        cmd_partition.yaml_mapping("5e-1")
