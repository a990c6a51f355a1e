"""SAR's attention recomputes the projection and the output's dot terms in backward."""

import gc
import types
import weakref

import pytest
import torch
from torch.testing import assert_close

from graphkit.block import Block
from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.runtime import communicator
from graphkit.nn import GNN, GATConv
from graphkit.ops import chunks
from graphkit.ops.attention import (
    AttentionDropout,
    block_backward,
    block_dot_correction,
    block_max,
    block_sum,
    block_weighted,
)
from graphkit.ops.recompute import RecomputeSaved
from harness import run_world
from workers import TOL, random_graph


def test_recompute_saved_gives_same_gradients():
    x = torch.randn(5, 3, requires_grad=True)
    weight = torch.randn(4, 3, requires_grad=True)
    calls = []

    def project():
        calls.append(1)
        return x @ weight.t()

    def gradients(recompute: bool):
        with RecomputeSaved() as saved:
            h = x @ weight.t()
            if recompute:
                saved.mark(h, project)
            # mul saves h twice (as both operands), tanh saves its own output.
            out = torch.tanh(h * h).sum()
        return torch.autograd.grad(out, [x, weight])

    from_stored = gradients(recompute=False)
    assert calls == []
    from_recomputed = gradients(recompute=True)
    assert len(calls) == 2
    for got, want in zip(from_recomputed, from_stored):
        assert_close(got, want, rtol=0, atol=0)


def test_recompute_saved_keeps_other_views():
    x = torch.randn(6, requires_grad=True)
    with RecomputeSaved() as saved:
        h = x * 2
        saved.mark(h, lambda: pytest.fail("a different view must not be recomputed"))
        out = (h[:3] * h[:3]).sum()
    out.backward()
    assert_close(x.grad, torch.cat([8 * x[:3], torch.zeros(3)]).detach())


def test_recompute_saved_keeps_transposed_view():
    # A square transpose shares the storage, offset, shape and dtype of the marked
    # tensor, so only its strides distinguish the two.
    x = torch.randn(3, 3, requires_grad=True)
    with RecomputeSaved() as saved:
        h = x * 2
        saved.mark(h, lambda: pytest.fail("a transposed view must not be recomputed"))
        out = (h.t() * h.t() * torch.arange(9.0).view(3, 3)).sum()
    out.backward()
    assert_close(x.grad, (8 * x * torch.arange(9.0).view(3, 3).t()).detach())


def _backward_through_recipe():
    """Backpropagate through a marked product and return the context and x's weakref."""
    weight = torch.randn(4, 3, requires_grad=True)
    x = torch.randn(5, 3, requires_grad=True) * 2
    x_ref = weakref.ref(x)
    with RecomputeSaved() as saved:
        h = x @ weight.t()
        saved.mark(h, lambda x=x: x @ weight.t())
        out = (h * h).sum()
    out.backward()
    return saved, x_ref


def test_recompute_saved_releases_recipes_on_exit():
    # The context may outlive the graph. Its recipes, and the tensors they read,
    # must not.
    saved, x_ref = _backward_through_recipe()
    # The local name saved keeps the context alive to the end of the test.
    assert x_ref() is None


def test_recompute_saved_frees_without_gc():
    # A reference cycle would keep the recipe's input alive until gc.collect runs.
    gc.disable()
    try:
        saved, x_ref = _backward_through_recipe()
        del saved
        assert x_ref() is None
    finally:
        gc.enable()


def _blocks_inputs(seed: int):
    generator = torch.Generator().manual_seed(seed)
    # Duplicate edges, empty rows and unused sources, split over two blocks that share
    # destinations, as a rank's own block and one peer's block do.
    blocks = [
        Block.from_edge_index(torch.randint(0, 9, (2, 70), generator=generator), 9, 11),
        Block.from_edge_index(torch.randint(0, 7, (2, 40), generator=generator), 7, 11),
    ]
    values = [torch.randn(b.num_src, 3, 2, generator=generator) for b in blocks]
    scores = [torch.randn(b.num_src, 3, generator=generator) for b in blocks]
    s_dst = torch.randn(11, 3, generator=generator)
    grad_out = torch.randn(11, 3, 2, generator=generator)
    return blocks, values, scores, s_dst, grad_out


@pytest.mark.parametrize("many_chunks", [False, True], ids=["one-chunk", "many-chunks"])
@pytest.mark.parametrize("p", [0.0, 0.4])
def test_block_backward_without_output(monkeypatch, many_chunks, p):
    if many_chunks:
        monkeypatch.setattr(chunks, "CHUNK_ELEMENTS", 64)
    blocks, values, scores, s_dst, grad_out = _blocks_inputs(4)
    m = torch.maximum(*[block_max(b, s, s_dst, 0.2) for b, s in zip(blocks, scores)])
    z = sum(block_sum(b, s, s_dst, 0.2, m) for b, s in zip(blocks, scores))
    drops = [AttentionDropout(p, seed) for seed in (11, 12)]
    out = sum(
        block_weighted(b, v, s, s_dst, 0.2, m, z, d)
        for b, v, s, d in zip(blocks, values, scores, drops)
    )
    grad_dot_out = (grad_out * out).sum(-1)
    totals = (torch.zeros_like(z), torch.zeros_like(z))
    dst_term = torch.zeros_like(s_dst)
    for b, v, s, d in zip(blocks, values, scores, drops):
        want = block_backward(b, v, s, s_dst, 0.2, m, z, grad_out, grad_dot_out, d)
        got = block_backward(
            b, v, s, s_dst, 0.2, m, z, grad_out, None, d, totals=totals
        )
        assert_close(got[0], want[0])
        dst_term += got[2] - want[2]
        dot_term = block_dot_correction(b, s, s_dst, 0.2, m, z, grad_dot_out)
        assert_close(got[1] - dot_term, want[1])
    dot, mass = totals
    assert_close(dot, grad_dot_out)
    assert_close(dot * mass, dst_term)


def _attention_nodes(out: torch.Tensor) -> list:
    """Return the ``AttentionSAR`` nodes of ``out``'s autograd graph, last layer first."""
    found, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop(0)
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).__name__ == "AttentionSARBackward":
            found.append(node)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return found


def _sar_against_sa(rank: int, world_size: int):
    """Compare sar with sa under attention dropout and count layer 0's projections.

    Returns the mismatches (as messages) and, per mode, the number of projections and
    whether the last attention keeps its output.
    """
    data = random_graph()
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    x = data.x[payload["global_ids"]]
    result = {}
    for mode in ("sar", "sa"):
        graph = ShardedGraph.from_partition(communicator(), payload, mode)
        torch.manual_seed(1)
        model = GNN("gat", x.size(1), 8, 4, num_layers=2, dropout=0.0)
        model.layers[0].dropout = 0.3
        calls = []

        def counted(layer, inputs, calls=calls):
            calls.append(1)
            return GATConv._project(layer, inputs)

        model.layers[0]._project = types.MethodType(counted, model.layers[0])
        torch.manual_seed(2)  # Both modes use the same attention dropout seed.
        out = model(x, graph)
        # Reading the last layer's saved tensors recomputes its projection, which is
        # not counted.
        last = _attention_nodes(out)[0]
        keeps_output = last.saved_tensors[5].numel() > 0
        out.sum().backward()
        grads = {k: p.grad for k, p in model.named_parameters()}
        result[mode] = (out.detach(), grads, len(calls), keeps_output)
    failures = []
    pairs = [("output", result["sar"][0], result["sa"][0])]
    pairs += [(k, result["sar"][1][k], grad) for k, grad in result["sa"][1].items()]
    for name, got, want in pairs:
        try:
            assert_close(got, want, **TOL)
        except AssertionError as error:
            failures.append(f"rank {rank} {name}: {error}")
    counts = {mode: (calls, keeps) for mode, (_, _, calls, keeps) in result.items()}
    return failures, counts


@pytest.mark.distributed
def test_sar_gat_recomputes_and_matches_sa():
    for failures, counts in run_world(_sar_against_sa, 2):
        assert not failures, "\n".join(failures)
        # sa projects once. sar projects again for the two score products and for
        # the attention's backward pass.
        assert counts["sa"][0] == 1
        assert counts["sar"][0] == 4
        assert counts["sa"][1], "sa must keep the attention output"
        assert not counts["sar"][1], "sar must not keep the attention output"


def _without_look_ahead(rank: int, world_size: int):
    """Compare sar without look-ahead with one process and measure the fetched peak.

    Returns the mismatches, the peak bytes of fetched rows in one max aggregation and
    the bytes of the largest single round.
    """
    from workers import compare, distributed, reference

    data = random_graph()
    weight = torch.randn(data.num_nodes, 4, generator=torch.Generator().manual_seed(5))
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    ids = payload["global_ids"]
    graph = ShardedGraph.from_partition(communicator(), payload, "sar", look_ahead=False)
    failures = []
    for name in ("gat", "sage-max"):
        got = distributed(name, data, weight, graph, ids)
        want = reference(name, data, weight)
        failures += compare(f"sar without look-ahead {name}", got, want, ids)
    x = data.x[ids].clone().requires_grad_(True)
    graph.comm_stats()
    graph.aggregate(x, "max").sum().backward()
    fetched_peak = graph.comm_stats()["fetched_peak_bytes"]
    row_bytes = x.size(1) * x.element_size()
    largest_round = max(
        n * row_bytes for p, n in enumerate(graph.halo.recv_counts) if p != rank
    )
    return failures, fetched_peak, largest_round


@pytest.mark.distributed
def test_sar_without_look_ahead_matches():
    for failures, fetched_peak, largest_round in run_world(_without_look_ahead, 3):
        assert not failures, "\n".join(failures[:20])
        # The next round is not fetched ahead, so one round's rows are held at a time.
        assert fetched_peak == largest_round
