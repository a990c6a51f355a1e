"""runtime.build_partition gives Python callers a PyG Data, as it did before
graphkit train learned to skip the PyG import on its ranks."""

import pytest
from harness import run_world

pytestmark = pytest.mark.distributed


def _build(rank: int, world_size: int, folder: str, pyg_data: bool | None) -> dict:
    import torch
    import torch_geometric.transforms as T
    from graphkit.datasets import load_dataset
    from graphkit.distributed import partition_nodes
    from graphkit.distributed.files import write_partitions
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.config import TrainConfig

    whole = load_dataset("synthetic", None, num_nodes=60, num_features=4, seed=1)
    if rank == 0:
        parts = partition_nodes(whole.edge_index, whole.num_nodes, world_size, "random")
        write_partitions(whole, parts, world_size, folder)
    config = TrainConfig(partitions=folder)
    if pyg_data is None:
        _graph, data = build_partition(config, rank, world_size)
    else:
        _graph, data = build_partition(config, rank, world_size, pyg_data=pyg_data)
    result = {"type": type(data).__name__, "num_nodes": data.num_nodes}
    if result["type"] == "Data":
        normalized = T.NormalizeFeatures()(data.clone())
        rows = normalized.x.abs().sum(1)
        result["rows_sum_to_one"] = bool(torch.allclose(rows, torch.ones_like(rows)))
    return result


def test_build_partition_returns_pyg_data(tmp_path):
    (result,) = run_world(_build, 1, str(tmp_path / "parts"), None)
    assert result["type"] == "Data"
    assert result["num_nodes"] == 60
    assert result["rows_sum_to_one"]


def test_build_partition_tensors_on_request(tmp_path):
    (result,) = run_world(_build, 1, str(tmp_path / "parts"), False)
    assert result["type"] == "GraphTensors"
    assert result["num_nodes"] == 60


def _owned_ids_with_rank_dependent_parts(rank: int, world_size: int) -> list[int]:
    """Partition in memory with a partitioner whose vector differs per rank."""
    import torch
    from graphkit.distributed import partition_loading
    from graphkit.distributed.runtime import build_partition

    from graphkit.train.config import TrainConfig

    def differs_by_rank(edge_index, num_nodes, num_parts, *args, **kwargs):
        parts = torch.zeros(num_nodes, dtype=torch.long)
        if rank == 0:
            parts[num_nodes // 2 :] = 1  # halves
        else:
            parts[1::2] = 1  # odd nodes
        return parts

    partition_loading.partition_nodes = differs_by_rank
    config = TrainConfig(dataset_options={"num_nodes": 40, "seed": 3})
    _graph, data = build_partition(config, rank, world_size, pyg_data=False)
    return data.global_ids.tolist()


def test_in_memory_partition_follows_rank_zero():
    # Rank 0's partition vector is broadcast, so ranks whose partitioners disagree
    # still split the graph the same way, into rank 0's halves.
    first, second = run_world(_owned_ids_with_rank_dependent_parts, 2)
    assert first == list(range(20))
    assert second == list(range(20, 40))


def _split_masks(rank: int, world_size: int, folder: str, split: int) -> dict:
    """Write a 3-split graph into ``folder`` and return this rank's masks for ``split``."""
    import torch
    from graphkit.distributed.files import write_partitions
    from graphkit.distributed.runtime import build_partition
    from torch_geometric.data import Data

    from graphkit.train.config import TrainConfig

    if rank == 0:
        nodes = torch.arange(12)
        # Split s trains on nodes i with i % 3 == s, validates on (i + 1) % 3 == s and
        # tests on (i + 2) % 3 == s, so no two splits share a mask column.
        masks = [
            torch.stack([(nodes + shift - s) % 3 == 0 for s in range(3)], 1)
            for shift in range(3)
        ]
        data = Data(
            x=torch.ones(12, 2),
            y=nodes % 2,
            edge_index=torch.stack([nodes, (nodes + 1) % 12]),
            train_mask=masks[0],
            val_mask=masks[1],
            test_mask=masks[2],
            num_nodes=12,
        )
        write_partitions(data, (nodes >= 6).long(), world_size, folder)
    torch.distributed.barrier()
    config = TrainConfig(partitions=folder, split=split)
    _graph, data = build_partition(config, rank, world_size, pyg_data=False)
    return {
        "ids": data.global_ids.tolist(),
        **{name: data[name].tolist() for name in ("train_mask", "val_mask", "test_mask")},
    }


@pytest.mark.parametrize("split", [1, 2])
def test_build_partition_selects_split(tmp_path, split):
    for result in run_world(_split_masks, 2, str(tmp_path / "parts"), split):
        ids = result["ids"]
        assert len(ids) == 6
        assert result["train_mask"] == [i % 3 == split for i in ids]
        assert result["val_mask"] == [(i + 1) % 3 == split for i in ids]
        assert result["test_mask"] == [(i + 2) % 3 == split for i in ids]
