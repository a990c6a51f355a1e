"""The graph interface over one partition, with SAR aggregation across partitions.

A :class:`ShardedGraph` owns the nodes ``[start, end)`` of a graph whose nodes are
numbered so that each partition owns a contiguous range. For every peer it keeps a
:class:`~graphkit.block.Block` of the edges from that peer's nodes into the owned
nodes (sources numbered compactly, ``0 .. S_p - 1``) and the rows each peer needs
from this rank. Every method of :class:`~graphkit.graph.Graph` gives the rows of the
owned nodes that a :class:`~graphkit.graph.LocalGraph` over the whole graph gives:

* ``mean`` divides by the global in-degree, which is local since every in-edge of an
  owned node is stored here;
* GCN normalisation needs the in-degree (with one self-loop) of remote sources, which
  is exchanged once when the graph is built;
* self-loops are replaced as in ``LocalGraph.with_self_loops`` (existing loops removed,
  one per node added); loops only ever sit in the rank's own block;
* max/min split the gradient evenly among all tied edges of all blocks;
* attention normalises with the global per-node maximum and sum.
"""

from __future__ import annotations

import logging

import torch
from torch import Tensor, nn

from graphkit.block import Block
from graphkit.distributed.comm import Communicator
from graphkit.distributed.gather import HaloGather, merged_block
from graphkit.distributed.gradients import GradientSync
from graphkit.distributed.halo import HaloExchange
from graphkit.distributed.memory import FetchTracker, current_rss_bytes, peak_rss_bytes
from graphkit.distributed.message_check import check_edgewise_message
from graphkit.distributed.message_inputs import message_inputs
from graphkit.distributed.model_check import check_same_model
from graphkit.distributed.sar import (
    MODES,
    AttentionSAR,
    ExtremumSAR,
    LinearSAR,
    MessageSpec,
    Plan,
    PropagateSAR,
)
from graphkit.distributed.shard_inputs import (
    check_node_ranges,
    check_payload_rank,
    check_peer_edges,
)
from graphkit.graph import (
    _CPU_PLAIN_DTYPES,
    Graph,
    MessageFn,
    check_reduce,
    has_float16_subnormal,
)
from graphkit.ops.attention import AttentionDropout
from graphkit.ops.plain import plain_aggregate, plain_attention, plain_propagate

logger = logging.getLogger(__name__)


class _NodeSum(torch.autograd.Function):
    """Sum over the nodes of all partitions: forward and backward are all-reduces."""

    @staticmethod
    def forward(ctx, t: Tensor, comm: Communicator) -> Tensor:
        ctx.comm, ctx.rows = comm, t.size(0)
        return comm.all_reduce(t.sum(0), label="node_sum")

    @staticmethod
    def backward(ctx, grad: Tensor):
        # Every rank's loss depends on the global sum, so its gradient is the sum of
        # all ranks' upstream gradients.
        total = ctx.comm.all_reduce(grad.clone(), label="node_sum/grad")
        return total.expand(ctx.rows, *total.shape), None


# Gradient messages of at most 8 MiB keep a rank's buffers small next to its activations
# (two messages per direction in flight), while each message is still large enough
# that its per-message cost is small against its transfer time.
DEFAULT_MAX_MESSAGE_BYTES = 8 << 20


class ShardedGraph(Graph):
    """One partition of a graph, implementing :class:`Graph` with SAR.

    Args:
        comm (Communicator): the process group (one rank per partition).
        node_ranges (LongTensor): ``[N + 1]`` start of each partition's node range,
            from 0 and never decreasing, then the node count of the whole graph.
        edges (list[LongTensor]): per peer ``q``, ``[2, E_q]`` edges ``(src, dst)`` with
            ``src`` a global id owned by ``q`` and ``dst`` a local row.
        edge_attr (list[Tensor], optional): per peer, ``[E_q, D]`` edge features.
        mode (str): ``"sar"`` (fetch again in backward), ``"sa"`` (keep fetched rows)
            or ``"one-shot"`` (one exchange with all peers, rows kept).
            (default: ``"sar"``)
        fast (bool): use SAR's block-by-block kernels (default), or, with
            ``mode="one-shot"`` only, the plain baseline of
            :mod:`graphkit.distributed.gather`: the whole halo is fetched once per call
            and the per-edge gather/scatter ops run with autograd, which keeps per-edge
            tensors for the backward pass. CPU inputs in float16 or bfloat16 take the
            plain baseline in every mode. (default: ``True``)
        device (torch.device or str, optional): where the blocks, degrees and every
            buffer of the exchanges live. The features passed to the aggregations must
            be on it too. (default: ``comm.device``)
        look_ahead (bool): fetch the next peer's rows while aggregating the current
            peer's, and compute the next peer's gradients while the previous ones
            travel (see :class:`~graphkit.distributed.halo.HaloExchange`). ``False``
            keeps one peer's fetched rows or gradients at a time, which lowers the peak
            memory of ``sar`` at the cost of that overlap. (default: ``True``)
        max_message_bytes (int, optional): in ``sar`` and ``sa``, send each peer's
            halo rows and their gradients in messages of at most this many bytes. A
            rank then gathers at most two outgoing messages of rows at a time. Where
            the message is linear in the features (sum, mean, GCN), each gradient
            message is computed just before it is sent, so no rank keeps a peer's whole
            halo gradient. For the other messages only the arriving gradients come in
            small pieces. None sends each peer's rows, or their gradient, in one
            message. (default: 8 MiB)

    Building runs collective operations, so every rank must build its graph at the
    same time.
    """

    def __init__(
        self,
        comm: Communicator,
        node_ranges: Tensor,
        edges: list[Tensor],
        edge_attr: list[Tensor] | None = None,
        mode: str = "sar",
        fast: bool = True,
        device: torch.device | str | None = None,
        look_ahead: bool = True,
        max_message_bytes: int | None = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if not fast and mode != "one-shot":
            raise ValueError(
                f"invalid mode {mode!r} for fast=False: the plain per-edge baseline "
                "runs only in mode 'one-shot'. Use fast=True for 'sar' and 'sa'"
            )
        self.comm, self.mode, self.fast = comm, mode, fast
        self.device = comm.device if device is None else torch.device(device)
        # Building reads it as Python ints, so it stays on the CPU.
        self.node_ranges = check_node_ranges(node_ranges, self.world_size)
        check_peer_edges(edges, edge_attr, self.world_size)
        self.start = int(self.node_ranges[self.rank])
        self.num_nodes = int(self.node_ranges[self.rank + 1]) - self.start
        self.tracker = FetchTracker()
        # Built outside inference mode, as the caches are. A graph made inside
        # torch.inference_mode() would contain inference tensors (blocks, degrees and
        # halo rows), which autograd cannot save for a later training step.
        with torch.inference_mode(False):
            self.blocks, need_rows = self._build_blocks(edges, edge_attr)
            send_rows = self._exchange_needs(need_rows)
            recv_counts = [rows.numel() for rows in need_rows]
            self.halo = HaloExchange(
                comm,
                send_rows,
                recv_counts,
                self.tracker,
                mode == "one-shot",
                look_ahead,
                max_message_bytes,
            )
            self._build_degrees()
        self._last_rss_peak = 0
        # Set to a graphkit.distributed.compression.Compression to compress halo rows.
        self.compression = None
        self._gradient_sync = GradientSync(comm)

    # Construction --------------------------------------------------------------------
    def _build_blocks(self, edges, edge_attr):
        blocks, need_rows = [], []
        n = self.num_nodes
        for peer, peer_edges in enumerate(edges):
            attr = None if edge_attr is None else edge_attr[peer]
            peer_edges = peer_edges.to(self.device)
            attr = None if attr is None else attr.to(self.device)
            src, dst = peer_edges[0].long(), peer_edges[1].long()
            lo, hi = int(self.node_ranges[peer]), int(self.node_ranges[peer + 1])
            if src.numel() and (int(src.min()) < lo or int(src.max()) >= hi):
                raise ValueError(
                    f"edges listed under peer {peer} have sources outside its node range "
                    f"[{lo}, {hi})"
                )
            if peer == self.rank:
                blocks.append(
                    _lean(
                        Block.from_edge_index(
                            torch.stack([src - lo, dst]), n, n, edge_attr=attr
                        )
                    )
                )
                need_rows.append(torch.arange(n, device=self.device))
                continue
            unique, compact = torch.unique(src, return_inverse=True)
            blocks.append(
                _lean(
                    Block.from_edge_index(
                        torch.stack([compact, dst]), unique.numel(), n, edge_attr=attr
                    )
                )
            )
            need_rows.append(unique - lo)
        return blocks, need_rows

    def _exchange_needs(self, need_rows: list[Tensor]) -> list[Tensor]:
        """Tell each peer which of its rows this rank needs; learn what peers need."""
        others = [p for p in range(self.world_size) if p != self.rank]
        device = self.device
        sizes = {
            p: [torch.tensor([need_rows[p].numel()], device=device)] for p in others
        }
        their_sizes = {
            p: [torch.zeros(1, dtype=torch.long, device=device)] for p in others
        }
        self.comm.wait(self.comm.start(sizes, their_sizes, "setup"))
        rows = {
            p: [torch.empty(int(their_sizes[p][0]), dtype=torch.long, device=device)]
            for p in others
        }
        self.comm.wait(
            self.comm.start({p: [need_rows[p]] for p in others}, rows, "setup")
        )
        send_rows = [
            rows[p][0] if p != self.rank else need_rows[p]
            for p in range(self.world_size)
        ]
        for p in others:
            if send_rows[p].numel() and int(send_rows[p].max()) >= self.num_nodes:
                raise ValueError(
                    f"rank {p} requested rows beyond this partition's "
                    f"{self.num_nodes} nodes: the partitions do not match"
                )
        return send_rows

    def _build_degrees(self) -> None:
        """Compute in-degrees and fetch the looped in-degree of every halo source.

        Looped blocks and edge values are built on first use, as ``LocalGraph`` does,
        so a model that never calls ``gcn_aggregate`` or ``attend`` does not store them.
        """
        n = self.num_nodes
        self._in_degree = torch.zeros(n, device=self.device)
        for block in self.blocks:
            self._in_degree += block.in_degree()
        own = self.blocks[self.rank]
        loops = own.col == own.row
        loop_count = torch.zeros(n, device=self.device).index_add_(
            0, own.row[loops], torch.ones(int(loops.sum()), device=self.device)
        )
        # Peers exchange looped degrees rather than 1/sqrt(degree). Degrees are whole
        # numbers, which float32 stores exactly up to 2**24, so _edge_values can form
        # the GCN weights in the dtype of the features.
        self._looped_degree = self._in_degree - loop_count + 1
        src_degree = [
            rows[:, 0].clone()
            for _, (rows,) in self.halo.fetch(
                [self._looped_degree.unsqueeze(1)], "setup"
            )
        ]
        # fetch yields peers in round order, but the list is indexed by peer id.
        self._src_degree = _by_peer(self.halo.peer_order(), src_degree)
        self._looped_blocks: list[Block] | None = None
        self._values: dict[str, list[Tensor]] = {}
        self._half_subnormal: dict[str, bool] = {}
        self._merged: dict[str, Block] = {}

    @property
    def looped_blocks(self) -> list[Block]:
        """The blocks with the own block's loops replaced by one loop per node (cached).

        Remote blocks cannot contain loops, so they are shared with :attr:`blocks`.
        """
        if self._looped_blocks is None:
            # Cached blocks and edge values are built outside inference mode. A first
            # call under torch.inference_mode() then caches no inference tensors, which
            # autograd could not save for a later training step.
            with torch.inference_mode(False):
                n = self.num_nodes
                own = self.blocks[self.rank]
                edge_index = own.edge_index()
                edge_index = torch.cat(
                    [
                        edge_index[:, own.col != own.row],
                        torch.arange(n, device=self.device).repeat(2, 1),
                    ],
                    1,
                )
                looped = list(self.blocks)
                looped[self.rank] = _lean(Block.from_edge_index(edge_index, n, n))
                self._looped_blocks = looped
        return self._looped_blocks

    def _edge_values(self, kind: str, dtype: torch.dtype) -> list[Tensor]:
        """Return per-block edge values: ``1 / deg_i`` (mean), ``1 / sqrt(deg_i deg_j)`` (GCN).

        The values are returned in ``dtype`` (the features' dtype), computed on first
        use and cached. They are formed in ``dtype`` or float32, whichever is wider,
        because float16 rounds a degree above 65504 to inf, whose weight would be 0.
        GCN uses the looped degrees fetched when the graph was built, so this call
        exchanges nothing.
        """
        key = f"{kind}:{dtype}"
        if key not in self._values:
            # Built outside inference mode (see looped_blocks).
            with torch.inference_mode(False):
                wide = torch.promote_types(dtype, torch.float32)
                if kind == "mean":
                    deg_clamped = self._in_degree.to(wide).clamp(min=1)
                    values = [
                        (1.0 / deg_clamped[block.row]).to(dtype) for block in self.blocks
                    ]
                else:
                    inv_sqrt = self._looped_degree.to(wide).pow(-0.5)
                    values = [
                        (inv_sqrt[block.row] * src.to(wide).pow(-0.5)[block.col]).to(dtype)
                        for block, src in zip(self.looped_blocks, self._src_degree)
                    ]
                self._values[key] = values
        return self._values[key]

    @classmethod
    def from_partition(
        cls,
        comm: Communicator,
        payload: dict,
        mode: str = "sar",
        fast: bool = True,
        device: torch.device | str | None = None,
        look_ahead: bool = True,
        max_message_bytes: int | None = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> ShardedGraph:
        """Build from a partition payload (a file or :func:`partition_payloads`).

        Raises ValueError when the payload is another rank's partition.
        """
        check_payload_rank(payload, comm.rank)
        return cls(
            comm,
            payload["node_ranges"],
            payload["edges"],
            payload.get("edge_attr"),
            mode,
            fast,
            device,
            look_ahead,
            max_message_bytes,
        )

    # Helpers ------------------------------------------------------------------------
    def _plan(
        self, op: str, blocks: list[Block], width: tuple[int, ...], keep: bool
    ) -> Plan:
        label = f"{op}{list(width)}"
        halo = self.halo
        if self.compression is not None:
            halo = self.compression.halo_for(self.halo, label)
        return Plan(halo, blocks, keep and self.mode != "sar", label)

    def __reduce_ex__(self, protocol):
        # pickle and copy.deepcopy would otherwise fail on the process group's store
        # with a message that names neither the graph nor what to copy instead.
        raise TypeError(
            f"a ShardedGraph (rank {self.rank} of {self.world_size}) is bound to its "
            "connections to the other ranks and cannot be pickled or copied. Copy or "
            "save the model's state_dict, and build another graph with "
            "ShardedGraph.from_partition"
        )

    def __repr__(self) -> str:
        # num_edges counts the in-edges of the owned nodes, from every peer.
        edges = sum(block.num_edges for block in self.blocks)
        return (
            f"ShardedGraph(rank={self.rank}, world_size={self.world_size}, "
            f"num_nodes={self.num_nodes}, num_global_nodes={self.num_global_nodes}, "
            f"num_edges={edges}, mode={self.mode!r})"
        )

    @property
    def rank(self) -> int:
        return self.comm.rank

    @property
    def world_size(self) -> int:
        return self.comm.world_size

    @property
    def num_global_nodes(self) -> int:
        return int(self.node_ranges[-1])

    @property
    def global_ids(self) -> Tensor:
        """``[num_nodes]`` ids of the owned nodes in the partitioned numbering."""
        return torch.arange(self.start, self.start + self.num_nodes, device=self.device)

    @property
    def rematerialize(self) -> bool:
        """Whether layers recompute per-node intermediates (``sar`` mode, ``fast``)."""
        return self.mode == "sar" and self.fast

    def in_degree(self) -> Tensor:
        return self._in_degree.clone()

    # The plain baseline (fast=False) ------------------------------------------------
    def _merged_block(self, kind: str, dtype: torch.dtype | None = None) -> Block:
        """Return all in-edges as one block over the gathered rows (built once per kind).

        ``kind`` is ``plain`` (the blocks), ``looped`` (the looped blocks), ``mean`` (the
        blocks with mean edge values in ``dtype`` as ``edge_weight``) or ``gcn`` (the
        looped blocks with GCN edge values).
        """
        weighted = kind in ("mean", "gcn")
        key = f"{kind}:{dtype}" if weighted else kind
        if key not in self._merged:
            # Built outside inference mode (see looped_blocks).
            with torch.inference_mode(False):
                blocks = self.blocks if kind in ("plain", "mean") else self.looped_blocks
                values = self._edge_values(kind, dtype) if weighted else None
                self._merged[key] = merged_block(blocks, self.halo, values)
        return self._merged[key]

    def _aggregates_half_in_float32(self, kind: str, x: Tensor) -> bool:
        """Return whether float16 ``x`` must meet the ``kind`` weights in float32.

        See :func:`~graphkit.graph.has_float16_subnormal`. The ranks agree through an
        all-reduce on first use, because a rank that widened its rows alone would
        send float32 rows to peers that expect float16 ones.
        """
        if x.dtype != torch.float16:
            return False
        if kind not in self._half_subnormal:
            local = has_float16_subnormal(self._edge_values(kind, torch.float32))
            flag = torch.tensor([float(local)], device=self.device)
            self._half_subnormal[kind] = bool(self.reduce_max(flag).item())
        return self._half_subnormal[kind]

    def _plain(self, x: Tensor) -> bool:
        """Return whether ``x`` takes the plain baseline instead of the SAR kernels.

        torch has no CPU kernel for sparse CSR products in float16 or bfloat16, which
        the SAR kernels use, so such CPU inputs take the plain baseline, as in
        ``LocalGraph``.
        """
        return not self.fast or (x.device.type == "cpu" and x.dtype in _CPU_PLAIN_DTYPES)

    def _gather(self, x: Tensor, label: str) -> Tensor:
        # NOTE: the baseline exchanges uncompressed rows even when compression is set.
        return HaloGather.apply(x, self.halo, label)

    # Aggregations -------------------------------------------------------------------
    def aggregate(self, x: Tensor, reduce: str = "sum") -> Tensor:
        check_reduce(reduce)
        self._check_rows(x)
        if reduce == "mean" and self._aggregates_half_in_float32("mean", x):
            return self.aggregate(x.float(), reduce).to(x.dtype)
        if self._plain(x):
            label = f"aggregate:{reduce}{list(x.shape[1:])}"
            if reduce == "mean":
                # Weights 1/deg, then a sum, as in LocalGraph: a sum before the
                # division overflows float16 at 65504.
                block = self._merged_block("mean", x.dtype)
                x_all = self._gather(x, label)
                return plain_aggregate(block, x_all, "sum", block.edge_weight)
            return plain_aggregate(
                self._merged_block("plain"), self._gather(x, label), reduce
            )
        plan = self._plan(f"aggregate:{reduce}", self.blocks, x.shape[1:], keep=True)
        if reduce == "sum":
            return LinearSAR.apply(x, plan, [None] * self.world_size, "ones")
        if reduce == "mean":
            return LinearSAR.apply(x, plan, self._edge_values("mean", x.dtype), "mean")
        return ExtremumSAR.apply(x, plan, reduce)

    def gcn_aggregate(self, x: Tensor) -> Tensor:
        self._check_rows(x)
        if self._aggregates_half_in_float32("gcn", x):
            return self.gcn_aggregate(x.float()).to(x.dtype)
        if self._plain(x):
            block = self._merged_block("gcn", x.dtype)
            x_all = self._gather(x, f"gcn{list(x.shape[1:])}")
            return plain_aggregate(block, x_all, "sum", block.edge_weight)
        plan = self._plan("gcn", self.looped_blocks, x.shape[1:], keep=False)
        return LinearSAR.apply(x, plan, self._edge_values("gcn", x.dtype), "gcn")

    def attend(
        self,
        value: Tensor,
        score_src: Tensor,
        score_dst: Tensor,
        negative_slope: float = 0.2,
        dropout: float = 0.0,
        self_loops: bool = True,
    ) -> Tensor:
        self._check_rows(value)
        if value.dim() != 3:
            raise ValueError(
                f"rank {self.rank}: value must have shape [N, heads, channels], got "
                f"{list(value.shape)}"
            )
        expected = [self.num_nodes, value.size(1)]
        for name, score in (("score_src", score_src), ("score_dst", score_dst)):
            if list(score.shape) != expected:
                raise ValueError(
                    f"rank {self.rank}: {name} must have shape {expected}, got "
                    f"{list(score.shape)}. Pass one score per owned node and head"
                )
        if self._plain(value):
            label = f"attend{list(value.shape[1:])}"
            return plain_attention(
                self._merged_block("looped" if self_loops else "plain"),
                self._gather(value, label),
                self._gather(score_src, label + ":score"),
                score_dst,
                negative_slope,
                dropout,
                dropout > 0,
            )
        blocks = self.looped_blocks if self_loops else self.blocks
        plan = self._plan("attend", blocks, value.shape[1:], keep=True)
        seed = int(torch.randint(0, 2**31 - 1, ())) if dropout > 0 else 0
        drop = AttentionDropout(dropout, seed)
        return AttentionSAR.apply(
            value, score_src, score_dst, plan, negative_slope, drop
        )

    def propagate(
        self,
        message: MessageFn,
        x: Tensor,
        reduce: str = "sum",
        x_dst: Tensor | None = None,
        edge_attr: Tensor | None = None,
    ) -> Tensor:
        check_reduce(reduce)
        if edge_attr is not None:
            raise ValueError(
                f"rank {self.rank}: ShardedGraph.propagate takes no edge_attr, because "
                "each rank stores its edges in another order than the edge_index. Put "
                "the edge features in data.edge_attr before partitioning, and they "
                "reach the message from the partition files"
            )
        self._check_rows(x, floating=False)
        if x_dst is None:
            x_dst = x
        else:
            self._check_rows(x_dst, floating=False, name="x_dst")
        if not self.fast:
            block = self._merged_block("plain")
            x_all = self._gather(x, f"propagate:{reduce}{list(x.shape[1:])}")
            return plain_propagate(
                block, message, x_all, x_dst, reduce, block.edge_attr
            )
        plan = self._plan(f"propagate:{reduce}", self.blocks, x.shape[1:], keep=True)
        check_edgewise_message(message, self.blocks[self.rank], x, x_dst, self.rank)
        inputs = message_inputs(message, self.blocks[self.rank], x, x_dst)
        spec = MessageSpec(message, reduce, self._in_degree, inputs)
        return PropagateSAR.apply(x, x_dst, plan, spec, *inputs)

    def _check_rows(
        self, x: Tensor, floating: bool = True, name: str = "the input"
    ) -> None:
        if floating and not x.is_floating_point():
            raise TypeError(
                f"rank {self.rank}: {name} must be a floating-point tensor, got "
                f"{x.dtype}. Convert it with .float()"
            )
        if x.device.type != self.device.type:
            raise ValueError(
                f"rank {self.rank}: the graph is on {self.device} but {name} is on "
                f"{x.device}. Move the model and features to {self.device}"
            )
        rows = x.size(0) if x.dim() else 0
        if x.dim() == 0 or rows != self.num_nodes:
            raise ValueError(
                f"rank {self.rank} owns {self.num_nodes} nodes but {name} has "
                f"{rows} rows (shape {list(x.shape)}); pass the rows of the owned "
                "nodes only"
            )

    # Reductions and parameter synchronisation ----------------------------------------
    def node_sum(self, t: Tensor) -> Tensor:
        return _NodeSum.apply(t, self.comm)

    def reduce_sum(self, t: Tensor, label: str = "reduce_sum") -> Tensor:
        return self.comm.all_reduce(t.detach().clone(), label=label)

    def reduce_max(self, t: Tensor) -> Tensor:
        """Elementwise maximum of ``t`` over all partitions (no gradient)."""
        import torch.distributed as dist

        return self.comm.all_reduce(
            t.detach().clone(), op=dist.ReduceOp.MAX, label="reduce_max"
        )

    def sync_parameters(self, module: nn.Module) -> None:
        """Copy rank 0's parameters and buffers to every rank (one broadcast per dtype).

        Raises ValueError on every rank when the ranks' models have other parameter or
        buffer names, shapes or dtypes, or when some ranks froze a parameter
        (``requires_grad=False``) that others train.
        """
        if self.world_size == 1:
            return
        check_same_model(self.comm, module)
        # Agreeing here keeps the first sync_gradients call to one all-reduce.
        self._gradient_sync.agree(module)
        tensors = [t.data for t in [*module.parameters(), *module.buffers()]]
        if not tensors:
            return
        for dtype in sorted({t.dtype for t in tensors}, key=str):
            group = [t for t in tensors if t.dtype == dtype]
            flat = torch.cat([t.reshape(-1) for t in group])
            self.comm.broadcast(flat, src=0, label="sync_parameters")
            _unflatten(flat, group)

    def sync_gradients(self, module: nn.Module) -> None:
        """Sum parameter gradients over ranks (a missing gradient counts as zeros).

        The sum, not the mean, is right when each rank's loss is its share of a loss
        normalised by the global number of training nodes. A parameter that no rank
        gave a gradient keeps ``grad = None``, as in one process, so optimizers skip
        it. A zero gradient would still move it through momentum and weight decay. A
        parameter frozen (``requires_grad=False``) on every rank is left as it is and
        sends nothing. Raises ValueError on every rank, naming the parameters, when
        some ranks froze a parameter that others train.
        """
        self._gradient_sync(module)

    # Accounting ---------------------------------------------------------------------
    def comm_stats(self) -> dict:
        """Bytes sent and received per label since the last call, and memory figures.

        Returns a dict with ``sent_bytes``, ``received_bytes`` (totals), ``per_label``
        (``{label: (sent, received)}``), ``fetched_peak_bytes`` (largest amount held by
        fetched halo rows since the last call), ``rss_bytes`` and ``peak_rss_bytes``.
        """
        stats = self.comm.stats
        labels = sorted(set(stats.sent) | set(stats.received))
        result = {
            "sent_bytes": sum(stats.sent.values()),
            "received_bytes": sum(stats.received.values()),
            "per_label": {
                k: (stats.sent.get(k, 0), stats.received.get(k, 0)) for k in labels
            },
            "fetched_peak_bytes": self.tracker.reset_peak(),
            "rss_bytes": current_rss_bytes(),
            "peak_rss_bytes": peak_rss_bytes(),
        }
        stats.reset()
        return result


def _lean(block: Block) -> Block:
    """Drop the block's edge permutation, because edge features are already reordered by it."""
    block.perm = None
    return block


def _by_peer(order: list[int], values: list) -> list:
    result = [None] * len(order)
    for peer, value in zip(order, values):
        result[peer] = value
    return result


def _unflatten(flat: Tensor, tensors: list[Tensor]) -> None:
    """Copy consecutive slices of ``flat`` back into ``tensors``."""
    offset = 0
    with torch.no_grad():
        for t in tensors:
            t.copy_(flat[offset : offset + t.numel()].view_as(t))
            offset += t.numel()
