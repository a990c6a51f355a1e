"""Sequential aggregation and rematerialization (SAR) as ``torch.autograd.Function`` s.

Mostafa, "Sequential Aggregation and Rematerialization: Distributed Full-batch Training
of Graph Neural Networks on Large Graphs", MLSys 2022 (https://arxiv.org/abs/2111.06483).

Rank ``r`` owns nodes ``V_r`` and, per peer ``p``, the block ``A_p`` of edges from
``p``'s nodes into ``V_r``. Every aggregation is a fold over blocks,

.. math::
    \\mathrm{out} = \\bigoplus_{p} \\mathrm{agg}(A_p, x_{S_p})

where :math:`x_{S_p}` are the rows of the halo fetched from ``p`` in one round of
:class:`~graphkit.distributed.halo.HaloExchange` and :math:`\\oplus` is a sum, an
elementwise max/min with tie counts, or an online softmax (rescaled running sums).
The fetched rows are dropped after each round in the forward pass. In the backward
pass:

* linear messages (sum, mean, GCN weights) push :math:`A_p^\\top g` to the owner of
  the halo without fetching anything again;
* other messages (max/min, attention, a user message function) fetch each halo again
  (``sar``), or reuse the rows kept from the forward pass (``sa`` and ``one-shot``),
  recompute that block's messages and return the gradient rows to their owners.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from torch import Tensor

from graphkit.block import Block
from graphkit.distributed.argument_reads import agree_reads, probe_reads
from graphkit.distributed.autocast_state import AutocastState
from graphkit.distributed.halo import HaloExchange, RowChunks
from graphkit.distributed.message_inputs import ReadAsLeaves, independent_inputs
from graphkit.ops.attention import (
    AttentionDropout,
    block_backward,
    block_dot_correction,
    block_max,
    block_sum_weighted,
)
from graphkit.ops.segment import (
    block_extremum,
    block_extremum_backward,
    block_tie_count,
)
from graphkit.ops.plain import check_messages
from graphkit.ops.shapes import as_matrix

MODES = ("sar", "sa", "one-shot")


@dataclass
class Plan:
    """The blocks, exchange and mode of one aggregation call.

    Attributes:
        halo: the exchange of this graph.
        blocks: per peer, its block of edges into the owned nodes (local numbering for
            this rank's own block, compact halo numbering for the others).
        keep: keep fetched rows for the backward pass (``sa``, ``one-shot``) instead of
            fetching them again (``sar``).
        label: name under which bytes are counted.
    """

    halo: HaloExchange
    blocks: list[Block]
    keep: bool
    label: str

    @property
    def num_nodes(self) -> int:
        return self.blocks[self.halo.rank].num_dst


def _rows_again(
    plan: Plan, kept: dict | None, tensors: list[Tensor]
) -> Iterator[tuple[int, list[Tensor]]]:
    """Rows of each peer for the backward pass: kept ones, or fetched a second time."""
    if kept is None:
        yield from plan.halo.fetch(tensors, plan.label + "/refetch")
        return
    for peer in plan.halo.peer_order():
        yield peer, kept.pop(peer)


# Linear messages: sum, mean and GCN ------------------------------------------------
class LinearSAR(torch.autograd.Function):
    """``out = sum_p A_p x_{S_p}`` with fixed edge values; backward ``A_p^T g`` per peer."""

    @staticmethod
    def forward(
        ctx, x: Tensor, plan: Plan, values: list[Tensor | None], key: str
    ) -> Tensor:
        x2 = as_matrix(x)
        out = x2.new_zeros(plan.num_nodes, x2.size(1))
        for peer, (rows,) in plan.halo.fetch([x2], plan.label):
            block = plan.blocks[peer]
            if block.num_edges:
                # In place: no temporary of the output's size per round.
                out.addmm_(block.csr(values[peer], key, dtype=x2.dtype), rows)
            # Free this round's rows before the generator posts the round after next.
            del rows
        ctx.plan, ctx.values, ctx.key, ctx.x_shape = plan, values, key, x.shape
        return out.reshape(plan.num_nodes, *x.shape[1:])

    @staticmethod
    def backward(ctx, grad_out: Tensor):
        plan: Plan = ctx.plan
        g = as_matrix(grad_out, plan.num_nodes).contiguous()
        grad_x = g.new_zeros(ctx.x_shape[0], g.size(1))

        def grads():
            for peer in plan.halo.peer_order():
                block = plan.blocks[peer]
                if block.num_edges:
                    matrix_t = block.csr_t(ctx.values[peer], ctx.key, dtype=g.dtype)
                    if peer == plan.halo.rank:
                        # The local share goes straight into grad_x, without a copy.
                        grad_x.addmm_(matrix_t, g)
                        yield peer, [None]
                    elif getattr(plan.halo, "accepts_row_chunks", False):
                        # Computed one message's rows at a time while they are sent.
                        yield peer, [RowChunks(matrix_t, g)]
                    else:
                        yield peer, [matrix_t @ g]
                else:
                    yield peer, [g.new_zeros(block.num_src, g.size(1))]

        plan.halo.return_grads(grads(), [grad_x], plan.label + "/grad")
        return grad_x.reshape(ctx.x_shape), None, None, None


# Max and min --------------------------------------------------------------------------
class ExtremumSAR(torch.autograd.Function):
    """Elementwise max (min) over all in-edges, gradient split evenly among ties.

    Per block the maximum ``m_p`` and the number ``c_p`` of edges attaining it are
    merged into the running ``(M, C)``: a larger ``m_p`` replaces both, an equal one
    adds ``c_p`` to ``C``. ``C`` is then the global tie count of the final maximum, so
    each tied edge receives ``g / C`` as in a single process.
    """

    @staticmethod
    def forward(ctx, x: Tensor, plan: Plan, reduce: str) -> Tensor:
        x2 = as_matrix(x)
        fill = float("-inf") if reduce == "max" else float("inf")
        best = x2.new_full((plan.num_nodes, x2.size(1)), fill)
        count = x2.new_zeros(best.shape)
        kept = {} if plan.keep else None
        for peer, (rows,) in plan.halo.fetch([x2], plan.label):
            if kept is not None:
                kept[peer] = [rows]
            block = plan.blocks[peer]
            if not block.num_edges:
                continue
            m = block_extremum(block, rows, reduce)
            c = block_tie_count(block, rows, m)
            best, count = _merge_extremum(best, count, m, c, reduce)
            del rows
        # Rows without edges become 0. A neighbour's infinite or NaN value stays the
        # result, as in one process.
        out = torch.where(_no_edges(plan.blocks, best), 0.0, best)
        ctx.plan, ctx.kept, ctx.x_shape = plan, kept, x.shape
        ctx.save_for_backward(x2, out, count)
        return out.reshape(plan.num_nodes, *x.shape[1:])

    @staticmethod
    def backward(ctx, grad_out: Tensor):
        plan: Plan = ctx.plan
        x2, out, count = ctx.saved_tensors
        g = grad_out.reshape(out.shape)
        share = torch.where(count > 0, g / count.clamp(min=1), 0.0)
        grad_x = torch.zeros_like(x2)

        def grads():
            for peer, (rows,) in _rows_again(plan, ctx.kept, [x2]):
                block = plan.blocks[peer]
                if block.num_edges:
                    grad = block_extremum_backward(block, rows, out, share)
                else:
                    grad = rows.new_zeros(rows.shape)
                del rows
                yield peer, [grad]

        plan.halo.return_grads(grads(), [grad_x], plan.label + "/grad")
        ctx.kept = None
        return grad_x.reshape(ctx.x_shape), None, None


def _merge_extremum(
    best: Tensor, count: Tensor, m: Tensor, c: Tensor, reduce: str
) -> tuple[Tensor, Tensor]:
    """Merge one block's extremum ``m`` and tie count ``c`` into ``best`` and ``count``.

    A NaN wins over every number, as in ``torch.max``, so a NaN neighbour makes the
    result NaN in every partitioning. Its tie count is 0, because NaN equals nothing,
    so no edge of such a row receives a gradient, as in ``segment_aggregate``.
    """
    better = m > best if reduce == "max" else m < best
    better = better | (torch.isnan(m) & ~torch.isnan(best))
    count = torch.where(better, c, torch.where(m == best, count + c, count))
    return torch.where(better, m, best), count


def _no_edges(blocks: list[Block], like: Tensor) -> Tensor:
    """Return a mask, broadcastable to ``like``, of the rows that no block has edges into."""
    degree = sum(block.rowptr[1:] - block.rowptr[:-1] for block in blocks)
    return (degree == 0).view(-1, *([1] * (like.dim() - 1)))


# GAT attention ------------------------------------------------------------------------
class AttentionSAR(torch.autograd.Function):
    """Softmax attention over all in-edges, accumulated block by block (online softmax).

    With the running maximum ``M``, normaliser ``Z`` and unnormalised sum ``U``, a
    block with maximum ``m_p`` updates ``M' = max(M, m_p)``, rescales ``Z`` and ``U``
    by ``exp(M - M')`` and adds its own ``sum exp(e - M')`` and
    ``sum exp(e - M') v``. The output is ``U / Z``. The backward pass recomputes each
    block's attention with the global ``M`` and ``Z``.

    ``sa``, ``one-shot`` and compressed exchanges keep the output for
    ``D = (g * out).sum(-1)``. ``sar`` keeps only ``[N, H]`` statistics (``M``, ``Z``
    and the scores) besides the values, and rebuilds ``D`` from the blocks during the
    backward pass: the first pass over the blocks returns the value gradients and the
    score gradients without their ``D`` term, and sums ``D``. A second pass fetches
    only the source scores (``H`` numbers per row) and returns the missing ``D`` term
    (:func:`block_dot_correction`).
    """

    @staticmethod
    def forward(
        ctx, value, s_src, s_dst, plan: Plan, slope: float, dropout: AttentionDropout
    ):
        n, heads, channels = plan.num_nodes, value.size(1), value.size(2)
        best = s_dst.new_full((n, heads), float("-inf"))
        z = s_dst.new_zeros(n, heads)
        acc = value.new_zeros(n, heads, channels)
        kept = {} if plan.keep else None
        for peer, (v, s) in plan.halo.fetch([value, s_src], plan.label):
            if kept is not None:
                kept[peer] = [v, s]
            block = plan.blocks[peer]
            if not block.num_edges:
                continue
            new_best = torch.maximum(best, block_max(block, s, s_dst, slope))
            scale = torch.where(torch.isinf(best), 0.0, torch.exp(best - new_best))
            drop = _block_dropout(dropout, peer)
            # Rescale and add in place, so no output-sized temporary is made per round.
            acc.mul_(scale.unsqueeze(-1))
            # One pass computes the block's normaliser and adds its weighted values, so
            # the scores are computed twice per forward pass (maximum, then sums)
            # instead of three times.
            z = z * scale + block_sum_weighted(
                block, v, s, s_dst, slope, new_best, acc, drop
            )
            best = new_best
            del v, s
        out = acc.div_(torch.where(z > 0, z, 1.0).unsqueeze(-1))
        ctx.plan, ctx.kept, ctx.slope, ctx.dropout = plan, kept, slope, dropout
        # In sar mode an empty tensor takes the output's place, because the backward
        # pass rebuilds D without it. A compressed halo decodes the scores fetched
        # alone differently from the scores fetched with the values, so it keeps the
        # output. Every rank takes the same branch, because the rebuild is collective.
        ctx.rebuild_dot = not plan.keep and isinstance(plan.halo, HaloExchange)
        kept_out = out.new_empty(0) if ctx.rebuild_dot else out
        ctx.save_for_backward(value, s_src, s_dst, best, z, kept_out)
        return out

    @staticmethod
    def backward(ctx, grad_out: Tensor):
        plan: Plan = ctx.plan
        value, s_src, s_dst, best, z, out = ctx.saved_tensors
        g = grad_out.contiguous()
        if ctx.rebuild_dot:
            grad_dot_out, totals = None, (torch.zeros_like(z), torch.zeros_like(z))
        else:
            grad_dot_out, totals = (g * out).sum(-1), None
        del out
        grad_value, grad_s_src = torch.zeros_like(value), torch.zeros_like(s_src)
        grad_s_dst = torch.zeros_like(s_dst)

        def grads():
            for peer, (v, s) in _rows_again(plan, ctx.kept, [value, s_src]):
                block = plan.blocks[peer]
                if not block.num_edges:
                    yield peer, [torch.zeros_like(v), torch.zeros_like(s)]
                    continue
                drop = _block_dropout(ctx.dropout, peer)
                # The own block adds its value gradient to grad_value directly.
                own = peer == plan.halo.rank
                gv, gs, gd = block_backward(
                    block,
                    v,
                    s,
                    s_dst,
                    ctx.slope,
                    best,
                    z,
                    g,
                    grad_dot_out,
                    drop,
                    grad_value=grad_value if own else None,
                    totals=totals,
                )
                grad_s_dst.add_(gd)
                del v, s
                yield peer, [None if own else gv, gs]

        plan.halo.return_grads(grads(), [grad_value, grad_s_src], plan.label + "/grad")
        ctx.kept = None
        if totals is not None:
            _add_dot_terms(plan, ctx.slope, s_src, s_dst, best, z, totals, grad_s_src)
            dot, mass = totals
            grad_s_dst.sub_(dot * mass)
        return grad_value, grad_s_src, grad_s_dst, None, None, None


def _add_dot_terms(
    plan: Plan, slope, s_src, s_dst, best, z, totals, grad_s_src
) -> None:
    """Fetch the source scores again and add each block's ``-sum_i lambda alpha D_i``.

    The terms go back to the owners of the source rows and are added to ``grad_s_src``.
    """
    dot, _ = totals

    def corrections():
        fetched = plan.halo.fetch([s_src], plan.label + "/refetch-scores")
        for peer, (s,) in fetched:
            block = plan.blocks[peer]
            if block.num_edges:
                term = block_dot_correction(block, s, s_dst, slope, best, z, dot)
                yield peer, [term.neg_()]
            else:
                yield peer, [torch.zeros_like(s)]

    plan.halo.return_grads(corrections(), [grad_s_src], plan.label + "/grad-scores")


def _block_dropout(dropout: AttentionDropout, peer: int) -> AttentionDropout:
    # A distinct seed per block, so the backward pass regenerates each block's masks.
    return (
        AttentionDropout(dropout.p, dropout.seed + 7919 * peer)
        if dropout.p > 0
        else dropout
    )


# Generic messages -----------------------------------------------------------------------
@dataclass
class MessageSpec:
    """A user message function with its reduction and the global in-degree for mean.

    ``inputs`` are the tensors requiring gradients that the message reads besides its
    arguments (see :func:`~graphkit.distributed.message_inputs.message_inputs`); they
    are the trailing inputs of :class:`PropagateSAR`.
    """

    message: Callable
    reduce: str
    in_degree: Tensor
    inputs: list[Tensor] = field(default_factory=list)


def _messages(
    spec: MessageSpec,
    block: Block,
    rows: Tensor,
    x_dst: Tensor,
    input_leaves: list[Tensor] | None = None,
) -> Tensor:
    """Compute the messages of the block's edges and check their shape.

    When ``input_leaves`` is given, with one leaf per tensor of ``spec.inputs``, the
    message function reads the leaves in place of ``spec.inputs``.
    """
    arguments = (rows[block.col], x_dst[block.row], block.edge_attr)
    if not input_leaves:
        messages = spec.message(*arguments)
    else:
        with ReadAsLeaves(spec.inputs, input_leaves):
            messages = spec.message(*arguments)
    check_messages(messages, block.num_edges)
    return messages


def _input_leaves(spec: MessageSpec) -> list[Tensor]:
    """Return a detached leaf requiring grad for each tensor of ``spec.inputs``."""
    return [_leaf(t, True) for t in spec.inputs]


def _reduce_block(spec: MessageSpec, block: Block, msg: Tensor, n: int):
    """Per-destination sum (or extremum and tie count) of one block's messages."""
    index = block.row.view(-1, *([1] * (msg.dim() - 1))).expand_as(msg)
    if spec.reduce in ("sum", "mean"):
        return msg.new_zeros((n, *msg.shape[1:])).index_add_(0, block.row, msg), None
    if msg.is_floating_point():
        fill = float("-inf") if spec.reduce == "max" else float("inf")
    else:  # Integer messages have no infinity, so they start from the dtype's limit.
        limits = torch.iinfo(msg.dtype)
        fill = limits.min if spec.reduce == "max" else limits.max
    op = "amax" if spec.reduce == "max" else "amin"
    m = msg.new_full((n, *msg.shape[1:]), fill).scatter_reduce_(0, index, msg, op)
    ties = (msg == m[block.row]).to(msg.dtype)
    return m, msg.new_zeros(m.shape).index_add_(0, block.row, ties)


class PropagateSAR(torch.autograd.Function):
    """``out_i = reduce_{j -> i} message(x_j, x_i, e_ji)`` over all blocks.

    ``sar`` computes the messages without autograd and recomputes them per block in the
    backward pass; ``sa`` and ``one-shot`` keep each block's autograd graph instead.
    The tensors with gradients that the message reads (``spec.inputs``: parameters,
    or tensors a closure captured) are inputs of this function, so their gradients
    flow back once the function's backward returns them. One that receives no
    gradient gets None, as a tensor the message does not use would in one process.

    ``x`` and ``x_dst`` get None when no rank's messages read them, as in one
    process, and otherwise a gradient with zeros in the rows that no message reads.
    Every rank returns None for the same inputs (see
    :mod:`~graphkit.distributed.argument_reads`), because autograd then skips the
    upstream backward passes, and those may exchange rows.

    NOTE: torch calls the backward of a custom autograd Function (this one, the other
    SAR functions, ``HaloGather``) with zeros where its output got no gradient. So
    when ``x`` is the output of another distributed aggregation, that aggregation
    still returns zeros, and the parameters before it get zeros where one process
    leaves None. Passing None on would need every rank to agree that the output got
    no gradient, because a parameter in ``spec.inputs`` gets None only on the ranks
    whose messages do not read it. That agreement would cost an all-reduce in every
    backward pass.
    """

    @staticmethod
    def forward(ctx, x: Tensor, x_dst: Tensor, plan: Plan, spec: MessageSpec, *params):
        n = plan.num_nodes
        x_dst_leaf = _leaf(x_dst, plan.keep)
        # The kept graphs end at leaf copies of the inputs (see ReadAsLeaves).
        input_leaves = _input_leaves(spec) if plan.keep else None
        total, best, count = None, None, None
        graphs = {} if plan.keep else None
        for peer, (rows,) in plan.halo.fetch([x], plan.label):
            block = plan.blocks[peer]
            if not block.num_edges:
                continue
            with torch.set_grad_enabled(plan.keep):
                leaf = _leaf(rows, plan.keep)
                msg = _messages(spec, block, leaf, x_dst_leaf, input_leaves)
            if graphs is not None:
                graphs[peer] = (leaf, msg)
            value, ties = _reduce_block(spec, block, msg.detach(), n)
            del rows, leaf, msg
            if ties is None:
                total = value if total is None else total + value
            elif best is None:
                best, count = value, ties
            else:
                best, count = _merge_extremum(best, count, value, ties, spec.reduce)
        no_edges = total is None and best is None
        if no_edges:  # zeros of the message width
            out = _empty_output(spec, plan, x, x_dst)
            count = None
        elif spec.reduce in ("sum", "mean"):
            out = total if spec.reduce == "sum" else total / _degree_view(spec, total)
        else:
            # A tensor zero keeps the dtype of integer messages.
            out = torch.where(_no_edges(plan.blocks, best), best.new_zeros(()), best)
        ctx.plan, ctx.spec, ctx.graphs, ctx.num_params = plan, spec, graphs, len(params)
        ctx.no_edges = no_edges
        ctx.same_input = x_dst is x
        ctx.x_dst_leaf, ctx.input_leaves = x_dst_leaf, input_leaves
        # Backward differentiates the direct reads (outside ReadAsLeaves) of the
        # independent inputs only, so each dependent input is None here.
        ctx.originals = [
            t if independent else None
            for t, independent in zip(spec.inputs, independent_inputs(spec.inputs))
        ]
        # ``sar`` recomputes the messages in the backward pass, with this setting.
        ctx.autocast = AutocastState.capture(x.device.type)
        ctx.save_for_backward(
            x, x_dst, out, count if count is not None else out.new_zeros(0)
        )
        return out

    @staticmethod
    def backward(ctx, grad_out: Tensor):
        plan: Plan = ctx.plan
        spec: MessageSpec = ctx.spec
        x, x_dst, out, count = ctx.saved_tensors
        params = spec.inputs
        # Without kept graphs (``sar``), the messages are recomputed from new input
        # leaves, which every block shares.
        input_leaves = ctx.input_leaves
        if input_leaves is None:
            input_leaves = _input_leaves(spec)
        grad_x = torch.zeros_like(x)
        grad_x_dst = torch.zeros_like(x_dst)
        grad_params: list[Tensor | None] = [None] * len(params)
        # Whether any block's messages read x_j and x_i (see argument_reads).
        read = [False, False]
        g = grad_out
        if spec.reduce == "mean":
            g = g / _degree_view(spec, g)
        elif spec.reduce in ("max", "min") and count.numel() > 0:
            # The tie count is empty when no edge enters this partition, and then no
            # message receives a gradient. It is 0 for a NaN maximum, as in
            # scatter_reduce's backward pass, so each edge into it gets 0 * (g / 0),
            # which is NaN. A row without edges sends nothing.
            g = g / count

        def block_grads(peer: int, leaf: Tensor, x_dst_leaf: Tensor, msg: Tensor):
            block = plan.blocks[peer]
            grad_msg = g[block.row]
            if spec.reduce in ("max", "min"):
                # A product, not torch.where, so that a NaN or infinite g reaches
                # every edge of its row as NaN, as in one process.
                ties = msg.detach() == out[block.row]
                grad_msg = ties.to(grad_msg.dtype) * grad_msg
            originals = [t for t in ctx.originals if t is not None]
            inputs = [leaf, x_dst_leaf, *input_leaves, *originals]
            # Integer inputs take no gradient, and autograd.grad rejects them.
            differentiable = [i for i, t in enumerate(inputs) if t.requires_grad]
            grads: list[Tensor | None] = [None] * len(inputs)
            if msg.requires_grad and differentiable:
                found = torch.autograd.grad(
                    msg,
                    [inputs[i] for i in differentiable],
                    grad_msg,
                    allow_unused=True,
                )
                for i, grad in zip(differentiable, found):
                    grads[i] = grad
            read[0] = read[0] or grads[0] is not None
            read[1] = read[1] or grads[1] is not None
            grad_x_dst.add_(_or_zeros(grads[1], x_dst))
            # The gradients of reads through an input's leaf and through the input
            # itself add up.
            original_grads = iter(grads[2 + len(params) :])
            for i, grad in enumerate(grads[2 : 2 + len(params)]):
                if ctx.originals[i] is not None:
                    direct = next(original_grads)
                    if direct is not None:
                        grad = direct if grad is None else grad + direct
                if grad is not None:
                    acc = grad_params[i]
                    grad_params[i] = grad if acc is None else acc + grad
            return _or_zeros(grads[0], leaf)

        def grads():
            if ctx.graphs is not None:
                for peer in plan.halo.peer_order():
                    if peer not in ctx.graphs:
                        yield peer, [_halo_zeros(plan, peer, x)]
                        continue
                    leaf, msg = ctx.graphs.pop(peer)
                    yield peer, [block_grads(peer, leaf, ctx.x_dst_leaf, msg)]
                return
            for peer, (rows,) in plan.halo.fetch([x], plan.label + "/refetch"):
                block = plan.blocks[peer]
                if not block.num_edges:
                    yield peer, [torch.zeros_like(rows)]
                    continue
                with torch.enable_grad():
                    leaf = _leaf(rows, True)
                    x_dst_leaf = _leaf(x_dst, True)
                    with ctx.autocast.restore():
                        msg = _messages(spec, block, leaf, x_dst_leaf, input_leaves)
                    grad = block_grads(peer, leaf, x_dst_leaf, msg)
                del rows, leaf, msg
                yield peer, [grad]

        plan.halo.return_grads(grads(), [grad_x], plan.label + "/grad")
        if ctx.no_edges:
            # A one-process run calls the message on zero edges, which gives every
            # input that the message reads a zero gradient and leaves None to the
            # others. The same call here keeps a graph without edges from ending
            # with None where the one-process run has zeros (optimizers skip a None
            # gradient).
            own = plan.halo.rank
            with torch.enable_grad():
                leaf, x_dst_leaf = _leaf(x, True), _leaf(x_dst, True)
                with ctx.autocast.restore():
                    msg = _messages(spec, plan.blocks[own], leaf, x_dst_leaf, input_leaves)
                block_grads(own, leaf, x_dst_leaf, msg)
        # A second backward pass (retain_graph=True) recomputes the messages as
        # ``sar`` mode does, so it needs ctx.originals but none of the kept graphs
        # or leaves.
        ctx.graphs = ctx.x_dst_leaf = ctx.input_leaves = None
        keep_x, keep_x_dst = _arguments_read(ctx, x, x_dst, read)
        grad_x = grad_x if keep_x else None
        grad_x_dst = grad_x_dst if keep_x_dst else None
        return (grad_x, grad_x_dst, None, None, *grad_params)


def _arguments_read(ctx, x: Tensor, x_dst: Tensor, read: list[bool]) -> tuple[bool, bool]:
    """Return whether ``x`` and ``x_dst`` get a gradient, the same on every rank.

    An input without ``requires_grad`` gets None. Another one gets a gradient when
    the message reads it on the zero edge of
    :func:`~graphkit.distributed.argument_reads.probe_reads`, or else when some
    rank's blocks read it (one all-reduce). Whether the all-reduce runs depends only
    on the probe, the dtypes and whether ``x_dst`` is ``x``, which are the same on
    every rank.
    """
    floating = [t.is_floating_point() or t.is_complex() for t in (x, x_dst)]
    if not any(floating):
        return False, False
    plan: Plan = ctx.plan
    spec: MessageSpec = ctx.spec
    edge_attr = plan.blocks[plan.halo.rank].edge_attr
    with ctx.autocast.restore():
        probed = probe_reads(spec.message, spec.inputs, x, x_dst, edge_attr)
    if ctx.same_input and any(probed):
        # Autograd adds both gradients into the one tensor, and the argument that
        # the message reads already makes that sum a tensor.
        probed = (True, True)
    unsure = [f and not p for f, p in zip(floating, probed)]
    if any(unsure):
        agreed = agree_reads(plan.halo.comm, read[0], read[1])
        probed = tuple(p or a for p, a in zip(probed, agreed))
    needed = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
    return needed[0] and probed[0], needed[1] and probed[1]


def _leaf(t: Tensor, requires_grad: bool) -> Tensor:
    """Detach ``t`` and let it require grad when asked and its dtype allows it."""
    floating = t.is_floating_point() or t.is_complex()
    return t.detach().requires_grad_(requires_grad and floating)


def _or_zeros(grad: Tensor | None, like: Tensor) -> Tensor:
    return torch.zeros_like(like) if grad is None else grad


def _halo_zeros(plan: Plan, peer: int, x: Tensor) -> Tensor:
    rows = x.size(0) if peer == plan.halo.rank else plan.halo.recv_counts[peer]
    return x.new_zeros((rows, *x.shape[1:]))


def _degree_view(spec: MessageSpec, like: Tensor) -> Tensor:
    deg = spec.in_degree.clamp(min=1).to(like.dtype)
    return deg.view(-1, *([1] * (like.dim() - 1)))


def _empty_output(spec: MessageSpec, plan: Plan, x: Tensor, x_dst: Tensor) -> Tensor:
    """Zeros of the message width when this rank has no in-edges at all.

    The width is found by calling the message on zero edges.
    """
    empty = plan.blocks[plan.halo.rank]
    with torch.no_grad():
        msg = spec.message(
            x[:0], x_dst[:0], None if empty.edge_attr is None else empty.edge_attr[:0]
        )
    return msg.new_zeros((plan.num_nodes, *msg.shape[1:]))
