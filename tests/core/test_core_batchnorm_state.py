"""GraphBatchNorm shares BatchNorm1d's state dict, including ``num_batches_tracked``."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.nn.norm import GraphBatchNorm


def _inputs(batches: int) -> tuple[list[torch.Tensor], LocalGraph]:
    generator = torch.Generator().manual_seed(0)
    xs = [
        torch.randn(8, 3, generator=generator, dtype=torch.float64)
        for _ in range(batches)
    ]
    return xs, LocalGraph(torch.zeros(2, 0, dtype=torch.long), 8)


def _train_reference(momentum: float | None) -> torch.nn.BatchNorm1d:
    reference = torch.nn.BatchNorm1d(3, momentum=momentum).double()
    with torch.no_grad():
        reference.weight.copy_(torch.tensor([0.5, 1.0, 2.0]))
        reference.bias.copy_(torch.tensor([-1.0, 0.0, 1.0]))
    for x in _inputs(3)[0]:
        reference(x)
    return reference


def test_batchnorm1d_state_loads_strictly():
    reference = _train_reference(0.1)
    ours = GraphBatchNorm(3).double()
    ours.load_state_dict(reference.state_dict(), strict=True)
    assert int(ours.num_batches_tracked) == 3

    ours.eval()
    reference.eval()
    x, graph = _inputs(1)[0][0] * 2.0, _inputs(1)[1]
    assert_close(ours(x, graph), reference(x))


def test_graph_state_loads_into_batchnorm1d():
    xs, graph = _inputs(3)
    ours = GraphBatchNorm(3).double()
    for x in xs:
        ours(x, graph)
    reference = torch.nn.BatchNorm1d(3).double()
    reference.load_state_dict(ours.state_dict(), strict=True)
    assert int(reference.num_batches_tracked) == 3
    assert_close(reference.running_mean, _train_reference(0.1).running_mean)


def test_cumulative_average_without_momentum():
    xs, graph = _inputs(3)
    ours = GraphBatchNorm(3, momentum=None).double()
    for x in xs:
        ours(x, graph)
    reference = _train_reference(None)
    assert int(ours.num_batches_tracked) == 3
    assert_close(ours.running_mean, reference.running_mean)
    assert_close(ours.running_var, reference.running_var)
    assert_close(ours.running_mean, torch.stack([x.mean(0) for x in xs]).mean(0))


def test_counter_stays_in_eval_mode():
    xs, graph = _inputs(1)
    ours = GraphBatchNorm(3).double().eval()
    ours(xs[0], graph)
    assert int(ours.num_batches_tracked) == 0


def test_old_state_without_counter_loads():
    ours = GraphBatchNorm(3)
    state = ours.state_dict()
    del state["num_batches_tracked"]
    state._metadata[""]["version"] = 1
    restored = GraphBatchNorm(3)
    restored.num_batches_tracked.fill_(5)
    restored.load_state_dict(state, strict=True)
    assert int(restored.num_batches_tracked) == 0


def test_eps_matches_batchnorm1d():
    # A large eps changes every output, so an ignored eps shows.
    xs, graph = _inputs(1)
    ours = GraphBatchNorm(3, eps=0.5).double()
    reference = torch.nn.BatchNorm1d(3, eps=0.5).double()
    assert_close(ours(xs[0], graph), reference(xs[0]))
    assert_close(ours.running_var, reference.running_var)
