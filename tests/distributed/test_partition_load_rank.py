"""load_partition rejects a rank outside [0, world_size) before reading any file."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed.files import load_partition, write_partitions


@pytest.fixture
def folder(tmp_path):
    data = Data(
        x=torch.randn(4, 2), edge_index=torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
    )
    write_partitions(data, torch.tensor([0, 0, 1, 1]), 2, tmp_path)
    return tmp_path


@pytest.mark.parametrize("rank", [-1, 2, 1.0, True])
def test_rank_out_of_range_rejected(folder, rank):
    # Unchecked, rank -1 would load the last file and report it as the wrong partition.
    with pytest.raises(ValueError) as error:
        load_partition(folder, rank, 2)
    assert str(error.value) == (
        f"rank must be an int in [0, 2) for world_size=2, got {rank!r}"
    )


@pytest.mark.parametrize(
    "rank, world_size",
    [(1, 2), (np.int64(1), np.int64(2)), (torch.tensor(1), torch.tensor([2]))],
)
def test_rank_loads_its_nodes(folder, rank, world_size):
    payload = load_partition(folder, rank, world_size)
    assert payload["rank"] == 1
    assert payload["global_ids"].tolist() == [2, 3]


@pytest.mark.parametrize("world_size", [0, -2, 2.0, True])
def test_invalid_world_size_named(folder, world_size):
    # With world_size 0, every rank lies outside [0, 0), but the rank is not at fault.
    with pytest.raises(ValueError) as error:
        load_partition(folder, 0, world_size)
    assert str(error.value) == f"world_size must be an int >= 1, got {world_size!r}"
