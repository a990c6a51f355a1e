"""An invalid meta.json that every rank of one machine reads prints from rank 0 only."""

import json
import os

import pytest
import torch
from graphkit.distributed.files import (
    PartitionFileError,
    read_metadata,
    write_partitions,
)
from harness import run_world
from torch_geometric.data import Data


@pytest.fixture
def folder(tmp_path):
    data = Data(
        x=torch.arange(8.0).view(4, 2),
        edge_index=torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]]),
        num_nodes=4,
        y=torch.tensor([0, 0, 1, 1]),
    )
    write_partitions(data, torch.tensor([0, 0, 1, 1]), 2, tmp_path)
    path = tmp_path / "meta.json"
    meta = json.loads(path.read_text())
    # An edit that leaves num_nodes disagreeing with node_ranges.
    path.write_text(json.dumps({**meta, "num_nodes": 5}))
    return tmp_path


def build(rank, world_size, folder):
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.config import TrainConfig

    # torchrun sets LOCAL_WORLD_SIZE, which shows that both ranks run on this machine.
    os.environ["LOCAL_WORLD_SIZE"] = str(world_size)
    try:
        build_partition(TrainConfig(partitions=folder), rank, world_size)
    except PartitionFileError as error:
        return str(error), error.every_rank
    return "ok"


@pytest.mark.distributed
def test_two_ranks_mark_same_error(folder):
    results = run_world(build, 2, str(folder), timeout_s=30)
    (first, first_every), (second, second_every) = results
    assert first == second
    assert "num_nodes is 5, but node_ranges [0, 2, 4] ends at 4" in first
    assert first_every is True
    assert second_every is True


@pytest.mark.parametrize("local_size, every_rank", [("2", True), ("1", False)])
def test_marked_when_ranks_share_machine(folder, monkeypatch, local_size, every_rank):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", local_size)
    with pytest.raises(PartitionFileError) as error:
        read_metadata(folder)
    assert error.value.every_rank is every_rank


def test_invalid_json_marked(folder, monkeypatch):
    (folder / "meta.json").write_text("{")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "2")
    with pytest.raises(PartitionFileError, match="is not valid JSON") as error:
        read_metadata(folder)
    assert error.value.every_rank is True

