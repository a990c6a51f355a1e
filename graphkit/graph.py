"""The graph interface that every layer is written against, and its single-process form.

A layer never indexes ``edge_index`` itself: it asks the graph to aggregate neighbour
features. :class:`LocalGraph` does this in one process; the distributed sharded graph
(``graphkit.distributed``) implements the same methods over one partition, fetching
remote neighbours peer by peer, so model code runs unchanged on either.

Conventions: edges flow from source ``j`` to destination ``i`` (PyG's
``source_to_target``); ``x`` always holds the rows of the nodes this graph owns (all
nodes in one process, the local partition in a distributed run); outputs have one row
per owned node.
"""

from __future__ import annotations

import logging
import math
import numbers
import sys
from abc import ABC, abstractmethod
from typing import Callable

import torch
from torch import Tensor, nn

from graphkit.block import Block
from graphkit.ops.attention import AttentionDropout, attention_aggregate
from graphkit.ops.linear import spmm
from graphkit.ops.plain import plain_aggregate, plain_attention, plain_propagate
from graphkit.ops.segment import segment_aggregate
from graphkit.whole_numbers import WrongTypeError

logger = logging.getLogger(__name__)

REDUCES = ("sum", "mean", "max", "min")

# torch (2.13) has no CPU kernel for sparse CSR products in float16 or bfloat16, so
# LocalGraph sends such CPU inputs through the plain gather/scatter path.
_CPU_PLAIN_DTYPES = (torch.float16, torch.bfloat16)

# message(x_j, x_i, edge_attr) -> [E, F'] messages, one per edge.
MessageFn = Callable[[Tensor, Tensor, "Tensor | None"], Tensor]


def check_reduce(reduce: str, name: str = "reduce") -> None:
    """Raise ValueError unless ``reduce`` is in REDUCES.

    ``name`` is the argument that the message names, such as ``aggr``.
    """
    if reduce not in REDUCES:
        # PyG's MessagePassing also accepts "add" for a sum.
        hint = ". Use 'sum' for PyG's 'add'" if reduce == "add" else ""
        raise ValueError(f"{name} must be one of {REDUCES}, got {reduce!r}{hint}")


def check_graph(graph, caller: str) -> None:
    """Raise TypeError when ``caller`` receives something other than a :class:`Graph`.

    PyG layers take ``edge_index`` where graphkit layers take a graph, so this names
    the fix. An object with an ``aggregate`` method passes, so duck-typed graphs work.
    """
    if isinstance(graph, Graph) or hasattr(graph, "aggregate"):
        return
    if isinstance(graph, Tensor):
        received = f"a tensor of shape {list(graph.shape)}"
    else:
        received = f"a {type(graph).__name__}"
    raise TypeError(
        f"{caller} expects a graphkit Graph as its second argument, got {received}. "
        "Build the graph once with LocalGraph.from_data(data) or "
        "LocalGraph(edge_index, num_nodes) and pass it in place of edge_index"
    )


def check_tensor_input(x, caller: str) -> None:
    """Raise TypeError unless the features ``x`` passed to ``caller`` are a tensor."""
    if isinstance(x, Tensor):
        return
    hint = ""
    if isinstance(x, (tuple, list)):
        # PyG's layers take an (x_source, x_target) pair on bipartite graphs.
        hint = (
            ". graphkit layers take one feature row per node of the graph, so number "
            "the source and target nodes of a bipartite graph in one graph and stack "
            "their features"
        )
    received = type(x).__name__
    raise TypeError(f"{caller} expects x to be a torch.Tensor, got {received}{hint}")


def check_layer_input(x, graph, in_channels: int, caller: str) -> None:
    """Raise ValueError unless ``x`` is ``[N, *, in_channels]`` for the ``N`` graph nodes.

    ``caller`` names the layer, such as ``SAGEConv``. Layers that transform ``x``
    before aggregating would otherwise fail inside a matrix product, or report the
    shape of the transformed features. A graph without ``num_nodes`` (a duck-typed
    one) gets the width check only. Raises TypeError when ``x`` is not a tensor.
    """
    check_tensor_input(x, caller)
    nodes = getattr(graph, "num_nodes", None)
    rows = "N" if nodes is None else nodes
    expected = f"expected x of shape [{rows}, {in_channels}], got {list(x.shape)}"
    if x.dim() < 2:
        hint = ", for example x.view(-1, 1)" if in_channels == 1 else ""
        raise ValueError(
            f"{caller}: {expected}. Pass one row of {in_channels} features per "
            f"node{hint}"
        )
    if nodes is not None and x.size(0) != nodes:
        where = f" on rank {graph.rank}" if getattr(graph, "world_size", 1) > 1 else ""
        raise ValueError(
            f"{caller}: x has {x.size(0)} rows but the graph has {nodes} nodes{where} "
            f"({expected}). Pass one row per node of the graph"
        )
    if x.size(-1) != in_channels:
        raise ValueError(
            f"{caller}: x has {x.size(-1)} features per node but the layer was built "
            f"with in_channels={in_channels} ({expected}). Build the layer with "
            f"in_channels={x.size(-1)}, or pass features of width {in_channels}"
        )


def _edge_index_from_adj_t(adj_t) -> tuple[Tensor, Tensor]:
    """Return ``(edge_index, values)`` of PyG's transposed adjacency ``adj_t``.

    Entry ``(i, j)`` of ``adj_t`` is the edge ``j -> i``, so the rows are targets.
    Accepts torch sparse tensors of any layout and ``torch_sparse.SparseTensor``.
    """
    if hasattr(adj_t, "coo"):  # torch_sparse.SparseTensor
        row, col, values = adj_t.coo()
        if values is None:
            values = torch.ones(row.numel(), device=row.device)
    elif isinstance(adj_t, Tensor) and adj_t.layout != torch.strided:
        coo = adj_t.to_sparse_coo().coalesce()
        (row, col), values = coo.indices(), coo.values()
    else:
        received = type(adj_t).__name__
        if isinstance(adj_t, Tensor):
            received += f" with layout {adj_t.layout}"
        raise TypeError(
            f"data.adj_t must be a sparse tensor, got {received}. Set data.edge_index "
            "to a [2, E] tensor of (source, target) ids instead"
        )
    return torch.stack([col, row]), values


def reject_hetero_data(data) -> None:
    """Raise TypeError when ``data`` is a PyG ``HeteroData``.

    A ``HeteroData`` keeps its edges per edge type, so ``data.edge_index`` is missing
    and later checks would report a missing ``edge_index`` or ``y`` instead.
    """
    # A HeteroData can exist only after PyG has been imported.
    pyg_data = sys.modules.get("torch_geometric.data")
    if pyg_data is None or not isinstance(data, pyg_data.HeteroData):
        return
    raise TypeError(
        f"expected a PyG Data with one node and edge type, got a HeteroData with node "
        f"types {data.node_types} and edge types {data.edge_types}. Convert it with "
        "data.to_homogeneous(), or build a Data from one edge type's edge_index"
    )


def edges_of_data(data) -> tuple[Tensor | None, str | None]:
    """Return the ``[2, E]`` edges of a PyG ``Data`` and the attribute with its weights.

    The edges are ``data.edge_index``, or those of ``data.adj_t`` when it is missing
    (None when both are). The second item is ``"data.edge_weight"`` when that is set,
    ``"data.adj_t"`` when the edges come from an ``adj_t`` that stores a value other
    than 1, and None otherwise. ``ToSparseTensor`` moves ``edge_weight`` into
    ``adj_t``, so callers that count every edge once warn in both cases. A
    ``HeteroData`` raises TypeError (see :func:`reject_hetero_data`).
    """
    reject_hetero_data(data)
    edge_index = getattr(data, "edge_index", None)
    weights = "data.edge_weight" if getattr(data, "edge_weight", None) is not None else None
    if edge_index is None and getattr(data, "adj_t", None) is not None:
        edge_index, values = _edge_index_from_adj_t(data.adj_t)
        if weights is None and bool((values != 1).any()):
            weights = "data.adj_t"
    return edge_index, weights


class Graph(ABC):
    """Neighbour operations needed by GNN layers."""

    #: Number of nodes this graph owns (rows of ``x`` and of every output).
    num_nodes: int

    #: Whether layers should recompute cheap per-node intermediates (such as projected
    #: values) in the backward pass instead of keeping them. ShardedGraph sets it in
    #: ``sar`` mode with ``fast=True``.
    rematerialize: bool = False

    @property
    def num_global_nodes(self) -> int:
        """Number of nodes in the whole graph (all partitions)."""
        return self.num_nodes

    @abstractmethod
    def aggregate(self, x: Tensor, reduce: str = "sum") -> Tensor:
        """Reduce in-neighbour features: ``out_i = reduce_{j -> i} x_j``.

        ``reduce`` is ``sum``, ``mean``, ``max`` or ``min``; nodes without in-edges get 0.
        """

    @abstractmethod
    def gcn_aggregate(self, x: Tensor) -> Tensor:
        """GCN propagation with self-loops (Kipf and Welling, ICLR 2017, Eq. 2).

        .. math::
            \\mathrm{out} = \\hat D^{-1/2} \\hat A \\hat D^{-1/2} x, \\quad
            \\hat A = A + I

        where :math:`\\hat D_{ii} = \\sum_j \\hat A_{ij}` is the in-degree with the loop.
        Existing self-loops are replaced by one loop per node.
        """

    @abstractmethod
    def attend(
        self,
        value: Tensor,
        score_src: Tensor,
        score_dst: Tensor,
        negative_slope: float = 0.2,
        dropout: float = 0.0,
        self_loops: bool = True,
    ) -> Tensor:
        """GAT attention: softmax over in-edges of ``LeakyReLU(s_src_j + s_dst_i)``.

        Args:
            value: ``[N, H, C]`` per-head values of the owned nodes.
            score_src, score_dst: ``[N, H]`` source and destination score terms.
            dropout: attention dropout probability, applied in training mode only when
                the caller passes a non-zero value.
            self_loops: add one self-loop per node (replacing existing ones) first.

        Returns ``[N, H, C]``. A head of a node whose in-edge scores are all ``-inf``
        gets 0 and zero gradients, as a node without in-edges does, where PyG's
        softmax gives NaN.
        """

    @abstractmethod
    def propagate(
        self,
        message: MessageFn,
        x: Tensor,
        reduce: str = "sum",
        x_dst: Tensor | None = None,
        edge_attr: Tensor | None = None,
    ) -> Tensor:
        """Generic message passing: ``out_i = reduce_{j -> i} message(x_j, x_i, e_ji)``.

        ``message`` is any callable: an ``nn.Module``, a bound method, or a closure
        that reads parameters or tensors of the forward pass. The distributed graph
        returns gradients to every tensor it reads. It calls the message once more on
        one edge to find them, adds the parameters of the modules the message belongs
        to or captures, and in ``sar`` mode calls it again in the backward pass, so the
        message must be deterministic and change no state (no dropout or batch norm
        inside). In the backward pass it also calls the message on one edge of zeros
        to find which of ``x`` and ``x_dst`` the message reads. As in one process, an
        input that no message reads gets a ``None`` gradient.
        ``x_dst`` defaults to ``x``. Edge features ``e_ji`` come from ``edge_attr``,
        ``[E, D]`` in the order of the graph's ``edge_index`` (PyG's ``edge_weight`` or
        ``edge_attr`` of the forward pass), or else from the graph's own ``edge_attr``.
        Only :class:`LocalGraph` takes ``edge_attr`` here, because the distributed
        graph stores each rank's edges in another order.
        """

    @abstractmethod
    def in_degree(self) -> Tensor:
        """``[N]`` in-degree of the owned nodes (float, self-loops as stored)."""

    # Reductions over nodes, the only collective operations a model may need.
    def node_sum(self, t: Tensor) -> Tensor:
        """Differentiable sum over all nodes of the graph (dim 0), e.g. for batch norm."""
        return t.sum(0)

    def reduce_sum(self, t: Tensor, label: str = "reduce_sum") -> Tensor:
        """Sum a tensor over all partitions without gradient.

        In one process it returns a detached copy of ``t``. The distributed graph
        also returns a new tensor without gradient, so a model gets the same
        gradients in both. ``label`` names the traffic in a distributed graph's byte
        counts.
        """
        return t.detach().clone()

    def reduce_max(self, t: Tensor) -> Tensor:
        """Maximum of a tensor over all partitions, without gradient.

        In one process it returns a detached copy of ``t``, like :meth:`reduce_sum`.
        """
        return t.detach().clone()

    @property
    def rank(self) -> int:
        """Index of this partition (0 in one process)."""
        return 0

    @property
    def world_size(self) -> int:
        """Number of partitions (1 in one process)."""
        return 1

    def sync_parameters(self, module: nn.Module) -> None:
        """Make parameters equal on every partition; nothing to do in one process."""

    def sync_gradients(self, module: nn.Module) -> None:
        """Sum parameter gradients over partitions; nothing to do in one process."""


def has_float16_subnormal(values: list[Tensor]) -> bool:
    """Return whether a positive edge weight in ``values`` is subnormal in float16.

    A float16 weight below ``2**-14`` keeps fewer than 10 significant bits: ``1/deg``
    above in-degree 16384, or a GCN weight ``1/sqrt(deg_i deg_j)`` above
    ``deg_i deg_j = 2**28``. At in-degree 5e6 the float16 weight makes the mean of
    ones 0.89, so such graphs aggregate float16 features in float32 instead.
    """
    tiny = torch.finfo(torch.float16).tiny
    return any(bool(((v > 0) & (v < tiny)).any()) for v in values)


class LocalGraph(Graph):
    """A whole graph in one process, backed by one CSR :class:`Block`.

    Args:
        edge_index (LongTensor): ``[2, E]`` edges ``(src, dst)``.
        num_nodes (int): number of nodes.
        edge_attr (Tensor, optional): ``[E, D]`` edge features for :meth:`propagate`,
            which reads this tensor's current values at each call. Learned edge weights
            (an ``nn.Parameter``) thus get gradients, and updates in place are seen.
        fast (bool): use the CSR kernels of :mod:`graphkit.ops` (default) or the plain
            gather/scatter path that materialises one message per edge. CPU inputs in
            float16 or bfloat16 always take the plain path.
    """

    def __init__(
        self,
        edge_index: Tensor,
        num_nodes: int,
        edge_attr: Tensor | None = None,
        fast: bool = True,
    ) -> None:
        if isinstance(num_nodes, Tensor) and num_nodes.numel() == 1:
            num_nodes = num_nodes.item()
        message = (
            f"num_nodes must be a non-negative whole number, got {num_nodes!r}. Pass "
            "the number of nodes, which may exceed the largest id in edge_index"
        )
        # A float that equals a whole number, such as 3.0, passes too.
        if (
            isinstance(num_nodes, bool)
            or not isinstance(num_nodes, numbers.Real)
            or not math.isfinite(num_nodes)
            or num_nodes != int(num_nodes)
        ):
            raise WrongTypeError(message)
        if num_nodes < 0:
            raise ValueError(message)
        self.num_nodes = int(num_nodes)
        self.fast = fast
        # The block is built outside inference mode, as its caches are. A graph made
        # inside torch.inference_mode() would otherwise contain inference tensors,
        # which the backward pass of a later training step cannot save.
        with torch.inference_mode(False):
            self.block = Block.from_edge_index(
                edge_index,
                self.num_nodes,
                self.num_nodes,
                edge_attr=None if edge_attr is None else edge_attr.detach(),
            )
        # The caller's edge_attr, in edge_index order. For a tensor without gradients,
        # block.edge_attr is its copy in block order, made again when it changes.
        self._edge_attr = edge_attr
        self._edge_attr_version = _version(edge_attr)
        self._looped: LocalGraph | None = None
        # True for a with_self_loops() graph whose source graph has an edge_attr.
        self._dropped_edge_attr = False
        self._values: dict[str, Tensor] = {}
        self._half_subnormal: dict[str, bool] = {}

    @classmethod
    def from_data(cls, data, fast: bool = True) -> "LocalGraph":
        """Build from a PyG ``Data`` (uses ``edge_index``, ``num_nodes``, ``edge_attr``).

        Without ``edge_index``, the edges come from ``adj_t``, the transposed sparse
        adjacency that PyG's ``ToSparseTensor`` transform writes.
        """
        edge_index, weights = edges_of_data(data)
        if edge_index is None:
            raise ValueError(
                "data.edge_index is missing, and so is data.adj_t. Set edge_index to "
                "a [2, E] tensor of (source, target) ids, or to "
                "torch.empty(2, 0, dtype=torch.long) for no edges"
            )
        if weights is not None:
            logger.warning(
                "data.edge_weight is ignored: LocalGraph aggregates every edge with "
                "weight 1 (GCN and mean use degree normalisation only). Pass the "
                "weights as data.edge_attr and use a message function to weight edges"
            )
        return cls(edge_index, data.num_nodes, getattr(data, "edge_attr", None), fast)

    def __repr__(self) -> str:
        return f"LocalGraph(num_nodes={self.num_nodes}, num_edges={self.block.num_edges})"

    def with_self_loops(self) -> "LocalGraph":
        """This graph with existing self-loops removed and one loop per node added (cached).

        The looped graph has no ``edge_attr``, because the added loops have no
        features. When this graph has an ``edge_attr``, the first :meth:`propagate`
        call on the looped graph without ``edge_attr`` logs a warning that the
        message gets ``edge_attr=None``.
        """
        if self._looped is None:
            # The looped graph is built outside inference mode, as Block's caches are.
            with torch.inference_mode(False):
                edge_index = self.block.edge_index()
                keep = edge_index[0] != edge_index[1]
                loops = torch.arange(self.num_nodes, device=edge_index.device).repeat(2, 1)
                self._looped = LocalGraph(
                    torch.cat([edge_index[:, keep], loops], 1), self.num_nodes, fast=self.fast
                )
                self._looped._dropped_edge_attr = self._edge_attr is not None
        return self._looped

    def in_degree(self) -> Tensor:
        return self.block.in_degree()

    def _edge_values(self, kind: str, dtype: torch.dtype) -> Tensor:
        """Return the cached edge values ``A[i, j]`` for mean (1/deg_i) or GCN weights.

        The values are returned in ``dtype``, the dtype of the features, so float64
        inputs get float64-accurate weights. They are formed in ``dtype`` or float32,
        whichever is wider, because float16 rounds a degree above 65504 to inf, whose
        weight would be 0.
        """
        key = f"{kind}:{dtype}"
        if key not in self._values:
            # The plain path saves the values for the backward pass, so they must not
            # be inference tensors even when the first call runs in inference mode.
            with torch.inference_mode(False):
                block = self.block
                deg = block.in_degree().to(torch.promote_types(dtype, torch.float32))
                if kind == "mean":
                    values = 1.0 / deg.clamp(min=1)[block.row]
                else:  # "gcn": the source degree is its in-degree, as in PyG's gcn_norm
                    inv_sqrt = deg.pow(-0.5).masked_fill(deg == 0, 0.0)
                    values = inv_sqrt[block.row] * inv_sqrt[block.col]
                self._values[key] = values.to(dtype)
        return self._values[key]

    def _aggregates_half_in_float32(self, kind: str, x: Tensor) -> bool:
        """Return whether float16 ``x`` must meet the ``kind`` weights in float32.

        See :func:`has_float16_subnormal`. Inputs of other dtypes never need it.
        """
        if x.dtype != torch.float16:
            return False
        if kind not in self._half_subnormal:
            values = self._edge_values(kind, torch.float32)
            self._half_subnormal[kind] = has_float16_subnormal([values])
        return self._half_subnormal[kind]

    def _plain(self, x: Tensor) -> bool:
        """Return whether ``x`` takes the plain path instead of the CSR kernels."""
        return not self.fast or (x.device.type == "cpu" and x.dtype in _CPU_PLAIN_DTYPES)

    def _check_nodes(self, x: Tensor, name: str = "x", floating: bool = True) -> None:
        """Raise unless ``x`` has one row per node and is on the graph's device.

        With ``floating``, ``x`` must also be a floating-point tensor.
        """
        if x.dim() == 0 or x.size(0) != self.num_nodes:
            raise ValueError(
                f"{name} must have one row per node: {name} has "
                f"{x.size(0) if x.dim() else 0} rows but the graph has {self.num_nodes} "
                f"nodes (got shape {list(x.shape)})"
            )
        device = self.block.col.device
        if x.device != device:
            raise ValueError(
                f"{name} is on {x.device} but the graph is on {device}. Move both to "
                "one device"
            )
        if floating and not x.is_floating_point():
            raise TypeError(
                f"{name} must be a floating-point tensor, got {x.dtype}. Convert it "
                f"with {name}.float()"
            )

    def aggregate(self, x: Tensor, reduce: str = "sum") -> Tensor:
        check_reduce(reduce)
        self._check_nodes(x)
        if reduce == "mean" and self._aggregates_half_in_float32("mean", x):
            return self.aggregate(x.float(), reduce).to(x.dtype)
        block = self.block
        if self._plain(x):
            if reduce == "mean":
                # Weights 1/deg, then a sum: a sum before the division overflows
                # float16 at 65504 and gives NaN for a node of that in-degree.
                return plain_aggregate(block, x, "sum", self._edge_values("mean", x.dtype))
            return plain_aggregate(block, x, reduce)
        if reduce == "sum":
            return spmm(block, x)
        if reduce == "mean":
            return spmm(block, x, self._edge_values("mean", x.dtype), key="mean")
        return segment_aggregate(block, x, reduce)

    def gcn_aggregate(self, x: Tensor) -> Tensor:
        self._check_nodes(x)
        looped = self.with_self_loops()
        if looped._aggregates_half_in_float32("gcn", x):
            return self.gcn_aggregate(x.float()).to(x.dtype)
        values = looped._edge_values("gcn", x.dtype)
        if self._plain(x):
            return plain_aggregate(looped.block, x, "sum", values)
        return spmm(looped.block, x, values, key="gcn")

    def attend(
        self,
        value: Tensor,
        score_src: Tensor,
        score_dst: Tensor,
        negative_slope: float = 0.2,
        dropout: float = 0.0,
        self_loops: bool = True,
    ) -> Tensor:
        self._check_nodes(value, "value")
        if value.dim() != 3:
            raise ValueError(
                f"value must have shape [N, heads, channels], got {list(value.shape)}. "
                "Reshape it with value.view(N, heads, -1)"
            )
        heads = value.shape[1:2]
        for name, score in (("score_src", score_src), ("score_dst", score_dst)):
            self._check_nodes(score, name)
            if score.shape[1:] != heads:
                raise ValueError(
                    f"{name} must have shape {[self.num_nodes, *heads]}, got "
                    f"{list(score.shape)}. Pass one score per node and head of value"
                )
        graph = self.with_self_loops() if self_loops else self
        if self._plain(value):
            return plain_attention(
                graph.block, value, score_src, score_dst, negative_slope, dropout, dropout > 0
            )
        seed = int(torch.randint(0, 2**31 - 1, ())) if dropout > 0 else 0
        return attention_aggregate(
            graph.block, value, score_src, score_dst, negative_slope,
            AttentionDropout(dropout, seed),
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
        self._check_nodes(x, floating=False)
        x_dst = x if x_dst is None else x_dst
        self._check_nodes(x_dst, "x_dst", floating=False)
        if edge_attr is None and self._dropped_edge_attr:
            # Warn once: a message that ignores edge_attr is still correct here.
            self._dropped_edge_attr = False
            logger.warning(
                "propagate on a with_self_loops() graph passes edge_attr=None to the "
                "message: the loops have no features, so the looped graph drops the "
                "edge_attr of the graph it was built from. If the message reads "
                "edge_attr, pass one row per looped edge, or build a LocalGraph from "
                "an edge_index that contains the loops"
            )
        if edge_attr is None:
            values = self._current_edge_attr()
        else:
            self._check_edges(edge_attr)
            values = edge_attr[self.block.perm]
        return plain_propagate(self.block, message, x, x_dst, reduce, values)

    def _current_edge_attr(self) -> Tensor | None:
        """Return the constructor's ``edge_attr`` in block order, with its current values."""
        source = self._edge_attr
        if source is None:
            return None
        if source.requires_grad:
            # Learned values are indexed at each call, so that every backward pass
            # reaches the source. They are not cached under torch.no_grad either,
            # because fused optimizers (torch.optim.Adam(fused=True)) and assignments
            # to .data (as in vector_to_parameters) change them without a version
            # increment.
            return source[self.block.perm]
        version = _version(source)
        if version is None or version != self._edge_attr_version:
            with torch.inference_mode(False):
                self.block.edge_attr = source.detach()[self.block.perm]
            self._edge_attr_version = version
        return self.block.edge_attr

    def _check_edges(self, edge_attr: Tensor) -> None:
        """Raise ValueError unless ``edge_attr`` has one row per edge on the graph's device."""
        num_edges = self.block.num_edges
        if edge_attr.dim() == 0 or edge_attr.size(0) != num_edges:
            raise ValueError(
                f"edge_attr has {edge_attr.size(0) if edge_attr.dim() else 0} rows but "
                f"the graph has {num_edges} edges (got shape {list(edge_attr.shape)}). "
                "Pass one row per edge, in the order of the edge_index the graph was "
                "built from"
            )
        device = self.block.col.device
        if edge_attr.device != device:
            raise ValueError(
                f"edge_attr is on {edge_attr.device} but the graph is on {device}. Move "
                "both to one device"
            )


def _version(tensor: Tensor | None) -> tuple[int, int] | None:
    """Return ``tensor``'s version counter and storage address, to detect a change.

    In-place operations increment the counter, and an assignment to ``tensor.data``
    changes the address. None for no tensor and for inference tensors, which have no
    version counter.

    NOTE: an in-place change through ``tensor.data`` (``w.data.mul_(2)``) changes
    neither, and two assignments to ``.data`` between calls may return to the first
    address. propagate then keeps the old values of a tensor without gradients.
    """
    if tensor is None or tensor.is_inference():
        return None
    return tensor._version, tensor.data_ptr()
