"""Parameter synchronisation copies state of dtypes that gloo cannot broadcast.

gloo (torch 2.13) rejects a broadcast of int16, uint16, uint32, uint64 or float8
tensors with "Invalid scalar type", although a broadcast copies bytes only.
"""

import pytest
import torch
from harness import run_world
from torch import nn

pytestmark = pytest.mark.distributed


class NarrowState(nn.Module):
    """A module with buffers of dtypes that gloo's broadcast rejects, filled from ``seed``."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.weight = nn.Parameter(torch.randn(3, generator=g))
        codes = torch.randint(-300, 300, (4,), generator=g)
        self.register_buffer("codes", codes.to(torch.int16))
        self.register_buffer("counts", codes.abs().to(torch.uint16))
        self.register_buffer("scales", torch.randn(2, generator=g).to(torch.float8_e4m3fn))


def _state(module: nn.Module) -> dict:
    return {k: v.float().tolist() for k, v in module.state_dict().items()}


def sync_narrow_state(rank: int, world_size: int):
    """Return the state of ``NarrowState(seed=0)`` and this rank's synced state."""
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = NarrowState(seed=rank)
    graph.sync_parameters(model)
    return _state(NarrowState(seed=0)), _state(model)


def test_narrow_dtypes_synced_from_rank_zero():
    results = run_world(sync_narrow_state, 2)
    for rank, (rank_zero, synced) in enumerate(results):
        for name in ("weight", "codes", "counts", "scales"):
            assert synced[name] == rank_zero[name], f"rank {rank}, {name}"
    # The seeds give the ranks different values, so the copy did happen.
    assert _state(NarrowState(seed=1))["codes"] != _state(NarrowState(seed=0))["codes"]


def broadcast_transposed(rank: int, world_size: int):
    """Broadcast a transposed (non-contiguous) int16 tensor and return what arrived."""
    from graphkit.distributed.runtime import communicator

    values = torch.arange(6, dtype=torch.int16).view(2, 3) * (1 - rank)
    target = values.t()
    communicator().broadcast(target, src=0)
    return target.tolist()


def test_transposed_tensor_broadcast_in_place():
    results = run_world(broadcast_transposed, 2)
    expected = torch.arange(6, dtype=torch.int16).view(2, 3).t().tolist()
    assert results[0] == expected
    assert results[1] == expected
