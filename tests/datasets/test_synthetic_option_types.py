"""CSBM options of the wrong type, as --dataset-options can pass them."""

import pytest
from graphkit.datasets import CSBMConfig, load_dataset


@pytest.mark.parametrize(
    "options, message",
    [
        ({"num_nodes": "3oo"}, "num_nodes must be an integer, got '3oo'"),
        ({"num_nodes": 300.0}, "num_nodes must be an integer, got 300.0"),
        ({"seed": 1.5}, "seed must be an integer, got 1.5"),
        ({"homophily": "5e-1"}, "homophily must be a number, got '5e-1'"),
        ({"feature_signal": True}, "feature_signal must be a number, got True"),
    ],
)
def test_csbm_rejects_wrong_option_type(options, message):
    with pytest.raises(ValueError, match=message):
        CSBMConfig(**options)


def test_csbm_accepts_int_for_float_option():
    config = CSBMConfig(num_nodes=30, num_classes=3, homophily=1, avg_degree=2)
    assert config.homophily == 1


def test_synthetic_dataset_option_type_error():
    with pytest.raises(ValueError, match="CSBM option avg_degree must be a number"):
        load_dataset("synthetic", avg_degree="ten")
