"""Parameter synchronisation copies rank 0's parameters and buffers to every rank."""

import pytest
import torch
from harness import run_world
from torch import nn

pytestmark = pytest.mark.distributed


class MixedState(nn.Module):
    """A module with parameters and buffers of three dtypes, filled from ``seed``."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.weight = nn.Parameter(torch.randn(3, 2, generator=g))
        self.bias = nn.Parameter(torch.randn(2, generator=g, dtype=torch.float64))
        self.register_buffer("running_mean", torch.randn(2, generator=g))
        self.register_buffer("steps", torch.randint(0, 100, (1,), generator=g))


def _state(module: nn.Module) -> dict:
    return {k: v.tolist() for k, v in module.state_dict().items()}


def sync_from_rank_zero(rank: int, world_size: int):
    """Return the state that ``MixedState(seed=0)`` has and this rank's synced state."""
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = MixedState(seed=rank)
    graph.sync_parameters(model)
    return _state(MixedState(seed=0)), _state(model)


def test_every_rank_gets_rank_zero_state():
    results = run_world(sync_from_rank_zero, 3)
    for rank, (rank_zero, synced) in enumerate(results):
        assert synced == rank_zero, f"rank {rank}"
    # The seeds give each rank different values, so the copy did happen.
    assert _state(MixedState(seed=1)) != _state(MixedState(seed=0))


def sync_other_models(rank: int, world_size: int):
    """Sync a model whose output layer has 3 rows on rank 0 and 4 elsewhere.

    Returns the error text.
    """
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = nn.Sequential(nn.Linear(2, 4), nn.Linear(4, 3 + min(rank, 1)))
    with pytest.raises(ValueError) as error:
        graph.sync_parameters(model)
    return str(error.value)


def test_other_model_shapes_rejected_on_every_rank():
    messages = run_world(sync_other_models, 3)
    # Without the check, gloo aborts every process on the size mismatch.
    assert messages[0].startswith("rank 0: ranks [1, 2] built a model other than")
    for rank in (1, 2):
        assert messages[rank].startswith(f"rank {rank}: the model differs from rank 0's")
        assert (
            "this rank has parameter '1.weight' of shape [4, 4] and float32, where "
            "rank 0 has parameter '1.weight' of shape [3, 4] and float32"
        ) in messages[rank]


def sync_empty_on_rank_zero(rank: int, world_size: int):
    """Sync a model that has no parameters on rank 0 only, and return the error text."""
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = nn.Sequential() if rank == 0 else nn.Sequential(nn.Linear(2, 3))
    with pytest.raises(ValueError) as error:
        graph.sync_parameters(model)
    return str(error.value)


def test_empty_rank_zero_model_rejected():
    messages = run_world(sync_empty_on_rank_zero, 2)
    assert messages[0].startswith("rank 0: ranks [1] built a model other than")
    assert messages[1].startswith("rank 1: the model differs from rank 0's")
    assert "'0.weight' of shape [3, 2]" in messages[1]
