"""Training data without features, labels or split masks gets an error naming the field."""

import sys
from pathlib import Path

import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed.files import write_partitions
from graphkit.graph import LocalGraph
from graphkit.train.config import TrainConfig
from graphkit.train.trainer import Trainer, masks_for_split

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from harness import run_world

EDGES = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])


def _data(**fields) -> Data:
    return Data(edge_index=EDGES, num_nodes=4, **fields)


def _labelled() -> dict:
    return {
        "x": torch.ones(4, 2),
        "y": torch.tensor([0, 1, 0, 1]),
        "train_mask": torch.tensor([True, True, False, False]),
        "val_mask": torch.tensor([False, False, True, False]),
        "test_mask": torch.tensor([False, False, False, True]),
    }


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("x", "data.x is missing. Training needs node features"),
        ("y", "data.y is missing. Training needs node labels"),
        ("train_mask", "data.train_mask is missing"),
        ("test_mask", "data.test_mask is missing"),
    ],
)
def test_missing_field_named(missing, message):
    fields = {k: v for k, v in _labelled().items() if k != missing}
    data = masks_for_split(_data(**fields), None)
    with pytest.raises(ValueError, match=message):
        Trainer(TrainConfig(epochs=1), data, LocalGraph(EDGES, 4))


def test_unlabelled_masks_for_split_unchanged():
    data = masks_for_split(_data(x=torch.ones(4, 2)), 3)
    assert getattr(data, "train_mask", None) is None


def _train_on_folder(rank: int, world_size: int, folder: str) -> str:
    from graphkit.distributed.runtime import build_partition

    config = TrainConfig(partitions=folder, epochs=1)
    graph, data = build_partition(config, rank, world_size)
    try:
        Trainer(config, data, graph)
    except ValueError as error:
        return str(error)
    return "no error"


def test_partitions_without_features_named(tmp_path):
    write_partitions(_data(), torch.tensor([0, 0, 1, 1]), 2, tmp_path)
    errors = run_world(_train_on_folder, 2, str(tmp_path))
    for error in errors:
        assert "data.x is missing" in error
