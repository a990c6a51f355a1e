"""partition_summary counts the halos of all partitions in one pass over the edges."""

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from graphkit.distributed.partition import partition_summary


class UniqueCalls(TorchDispatchMode):
    """Count the ATen unique operators that run inside the block."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if "unique" in str(func):
            self.count += 1
        return func(*args, **(kwargs or {}))


def reference_summary(edge_index, parts, num_parts):
    src, dst = edge_index
    halo_sizes = []
    for rank in range(num_parts):
        into = (parts[dst] == rank) & (parts[src] != rank)
        halo_sizes.append(len(set(src[into].tolist())))
    cut = int((parts[src] != parts[dst]).sum())
    return cut, halo_sizes


def test_summary_matches_reference_loop():
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(50, (2, 300), generator=generator)
    parts = torch.randint(6, (50,), generator=generator)
    summary = partition_summary(edge_index, parts, 6)
    cut, halo_sizes = reference_summary(edge_index, parts, 6)
    assert summary["edge_cut"] == cut
    assert summary["halo_sizes"] == halo_sizes
    assert summary["part_sizes"] == torch.bincount(parts, minlength=6).tolist()


def test_summary_empty_partition_has_no_halo():
    edge_index = torch.tensor([[0, 1, 2], [1, 2, 0]])
    parts = torch.tensor([0, 0, 2])
    summary = partition_summary(edge_index, parts, 4)
    assert summary["halo_sizes"] == [1, 0, 1, 0]
    assert summary["edge_cut"] == 2


def test_summary_runs_one_unique_for_many_parts():
    generator = torch.Generator().manual_seed(1)
    edge_index = torch.randint(40, (2, 200), generator=generator)
    parts = torch.randint(8, (40,), generator=generator)
    with UniqueCalls() as calls:
        partition_summary(edge_index, parts, 8)
    assert calls.count == 1
