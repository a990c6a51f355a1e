"""``GraphTensors`` reads like PyG's ``Data``, and the synthetic graph is the same in both."""

import pytest
import torch
from graphkit.datasets import GraphTensors, load_dataset
from graphkit.distributed.partition import partition_payloads
from graphkit.launch.cmd_train import load_local
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer

SMALL = {"num_nodes": 60, "avg_degree": 4, "num_features": 5, "num_classes": 3, "seed": 2}


def assert_same_fields(tensors: GraphTensors, data: Data) -> None:
    # Data lists a stored num_nodes among its keys, GraphTensors keeps it apart.
    assert sorted(tensors.keys()) == sorted(k for k in data.keys() if k != "num_nodes")
    assert set(tensors.to_pyg().keys()) == set(data.keys())
    for key in tensors.keys():
        expected = data[key]
        if isinstance(expected, torch.Tensor):
            assert torch.equal(tensors[key], expected), key
        else:
            assert tensors[key] == expected, key
    assert tensors.num_nodes == data.num_nodes


def test_synthetic_fields_match_data():
    tensors = load_dataset("synthetic", pyg_data=False, **SMALL)
    data = load_dataset("synthetic", **SMALL)
    assert isinstance(tensors, GraphTensors)
    assert isinstance(data, Data)
    assert tensors.keys() == ["x", "edge_index", "y", "train_mask", "val_mask",
                              "test_mask", "num_classes"]
    assert_same_fields(tensors, data)
    assert tensors.num_features == data.num_features == 5
    assert tensors.num_edges == data.num_edges


def test_synthetic_without_features_matches_data():
    tensors = load_dataset("synthetic", features=False, pyg_data=False, **SMALL)
    data = load_dataset("synthetic", features=False, **SMALL)
    assert "x" not in tensors
    assert tensors.x is None
    assert tensors.num_nodes == 60
    assert_same_fields(tensors, data)
    assert tensors.to_pyg().num_nodes == 60


def test_synthetic_undirected_option_matches_data():
    tensors = load_dataset("synthetic", to_undirected=True, pyg_data=False, **SMALL)
    data = load_dataset("synthetic", to_undirected=True, **SMALL)
    assert_same_fields(tensors, data)


def test_to_pyg_round_trip():
    tensors = load_dataset("synthetic", pyg_data=False, split=0, **SMALL)
    assert_same_fields(tensors, tensors.to_pyg())


def test_none_removes_field():
    tensors = GraphTensors(x=torch.zeros(3, 2), y=torch.tensor([0, 1, 0]))
    tensors.y = None
    assert "y" not in tensors
    assert tensors.keys() == ["x"]
    assert tensors.num_nodes == 3


def test_missing_fields():
    tensors = GraphTensors(edge_index=torch.tensor([[0], [1]]))
    assert tensors.y is None
    assert tensors.get("train_mask") is None
    with pytest.raises(AttributeError, match="no attribute 'train_mask'"):
        _ = tensors.train_mask
    assert tensors.num_nodes is None
    assert tensors.num_features == 0


def test_stored_num_nodes_wins_over_x():
    tensors = GraphTensors(x=torch.zeros(3, 2))
    tensors.num_nodes = 5
    assert tensors.num_nodes == 5
    assert "num_nodes" not in tensors
    assert tensors.to_pyg().num_nodes == 5


def test_items_and_to():
    tensors = GraphTensors(x=torch.zeros(2, 1))
    tensors["y"] = torch.tensor([1, 0])
    assert torch.equal(tensors.y, torch.tensor([1, 0]))
    assert tensors.to("cpu") is tensors
    assert dict(tensors).keys() == {"x", "y"}


def test_training_matches_data():
    options = {key: value for key, value in SMALL.items() if key != "seed"}
    config = TrainConfig(epochs=3, hidden=8, dataset_options=options, seed=0)
    graph, tensors = load_local(config)
    assert isinstance(tensors, GraphTensors)
    data = load_dataset("synthetic", **options)
    from_tensors = Trainer(config, tensors, graph).fit()
    from_data = Trainer(config, data, LocalGraph.from_data(data)).fit()
    assert from_tensors == from_data


def test_partition_payloads_match_data():
    tensors = load_dataset("synthetic", pyg_data=False, **SMALL)
    data = load_dataset("synthetic", **SMALL)
    parts = torch.arange(60) % 3
    pairs = zip(partition_payloads(tensors, parts, 3), partition_payloads(data, parts, 3))
    for (rank, left), (_, right) in pairs:
        assert_equal_nested(left, right, f"rank {rank}")


def assert_equal_nested(left, right, where: str) -> None:
    """Assert that two payloads (tensors inside dicts, lists and tuples) are equal."""
    assert type(left) is type(right), where
    if isinstance(right, torch.Tensor):
        assert torch.equal(left, right), where
    elif isinstance(right, dict):
        assert left.keys() == right.keys(), where
        for key in right:
            assert_equal_nested(left[key], right[key], f"{where}/{key}")
    elif isinstance(right, (list, tuple)):
        assert len(left) == len(right), where
        for index, (a, b) in enumerate(zip(left, right)):
            assert_equal_nested(a, b, f"{where}[{index}]")
    else:
        assert left == right, where
