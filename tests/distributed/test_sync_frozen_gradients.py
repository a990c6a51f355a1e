"""Gradient all-reduce with parameters frozen (``requires_grad=False``) on some ranks.

Without the requires-grad counts, a rank that froze a parameter the others train sent
a shorter buffer, and gloo aborted every process without a Python error.
"""

import pytest
import torch
from harness import run_world
from torch import nn

pytestmark = pytest.mark.distributed


class TwoParameters(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(2))
        self.bias = nn.Parameter(torch.zeros(3))


def _set_gradients(model: nn.Module, rank: int) -> None:
    model.weight.grad = torch.full((2,), float(rank + 1))
    model.bias.grad = torch.full((3,), 10.0 * (rank + 1))


def sync_frozen_on_rank_one(rank: int, world_size: int, when: str):
    """Freeze ``bias`` on rank 1 only, then sync at ``when``; return the error text."""
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = TwoParameters()
    if when == "later step":
        _set_gradients(model, rank)
        graph.sync_gradients(model)
    if rank == 1:
        model.bias.requires_grad_(False)
    _set_gradients(model, rank)
    with pytest.raises(ValueError) as error:
        if when == "sync_parameters":
            graph.sync_parameters(model)
        else:
            graph.sync_gradients(model)
    return str(error.value)


@pytest.mark.parametrize("when", ["sync_parameters", "first step", "later step"])
def test_frozen_on_one_rank_rejected(when):
    messages = run_world(sync_frozen_on_rank_one, 2, when)
    for rank, message in enumerate(messages):
        assert message == (
            f"rank {rank}: some ranks froze parameters (requires_grad=False) that other "
            "ranks train, so their gradients cannot be summed: 'bias' (frozen on 1 of "
            "2 ranks). Freeze a parameter on every rank, before training starts"
        )


def sync_frozen_everywhere(rank: int, world_size: int):
    """Freeze ``bias`` on every rank, sync parameters, step twice, unfreeze, step.

    Returns the bytes this rank sent to sync parameters, and per step the gradients
    and the bytes this rank sent.
    """
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = TwoParameters()
    model.bias.requires_grad_(False)
    graph.comm_stats()
    graph.sync_parameters(model)
    setup = graph.comm_stats()["per_label"]["setup"][0]
    steps = []
    for unfreeze in (False, False, True):
        if unfreeze:
            model.bias.requires_grad_(True)
        model.zero_grad(set_to_none=True)
        model.weight.grad = torch.full((2,), float(rank + 1))
        if unfreeze:
            model.bias.grad = torch.full((3,), 10.0 * (rank + 1))
        graph.comm_stats()
        graph.sync_gradients(model)
        steps.append(
            (
                model.weight.grad.tolist(),
                None if model.bias.grad is None else model.bias.grad.tolist(),
                graph.comm_stats()["sent_bytes"],
            )
        )
    return setup, steps


def test_frozen_everywhere_sends_no_gradient():
    for setup, steps in run_world(sync_frozen_everywhere, 2):
        first, second, unfrozen = steps
        # The layout check sends one int64 hash per rank. The ranks then agree on
        # the trained parameters with 2 float32 flags.
        assert setup == 8 * 2 + 4 * 2
        # 2 gradients, 1 has-gradient flag and 2 requires-grad flags.
        assert first == ([3.0, 3.0], None, 4 * 5)
        assert second == ([3.0, 3.0], None, 4 * 5)
        # After unfreezing, a second all-reduce sums the bias gradients:
        # 3 gradients and 1 has-gradient flag.
        assert unfrozen == ([3.0, 3.0], [30.0, 30.0, 30.0], 4 * 5 + 4 * 4)


def sync_mixed_dtypes(rank: int, world_size: int):
    """Sum float64 and float32 gradients, with the float32 one missing on rank 0."""
    from workers import edgeless_graph

    graph = edgeless_graph(world_size)
    model = TwoParameters().double()
    model.extra = nn.Parameter(torch.zeros(1))
    model.weight.grad = torch.full((2,), 0.1 * (rank + 1), dtype=torch.float64)
    if rank == 1:
        model.extra.grad = torch.tensor([2.0])
    graph.sync_gradients(model)
    return model.weight.grad, model.bias.grad, model.extra.grad


def test_mixed_dtypes_keep_their_dtype():
    for weight, bias, extra in run_world(sync_mixed_dtypes, 2):
        assert weight.dtype == torch.float64
        assert weight.tolist() == [0.1 + 0.2, 0.1 + 0.2]
        assert bias is None
        assert extra.dtype == torch.float32
        assert extra.tolist() == [2.0]
