"""Bipartite adjacency blocks in CSR form, the unit every aggregation kernel works on.

A :class:`Block` holds the edges from ``num_src`` source nodes into ``num_dst``
destination nodes, sorted by destination. A single-process graph is one block whose
sources and destinations are the same nodes; a partition of a distributed graph holds one
block per peer (the edges coming from that peer's nodes into this rank's nodes).
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field

import torch
from torch import Tensor

# torch prints a beta notice for every CSR tensor; the kernels used here are stable.
warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")


@dataclass(eq=False)
class Block:
    """Edges ``src -> dst`` of a bipartite graph, sorted by destination (CSR rows).

    Args:
        rowptr (LongTensor): ``[num_dst + 1]`` offsets of each destination's edges.
        col (LongTensor): ``[E]`` source index (``0 <= col < num_src``) of each edge.
        num_src (int): number of source nodes.
        edge_weight (Tensor, optional): ``[E]`` fixed (not learned) edge weights.
        edge_attr (Tensor, optional): ``[E, D]`` edge features for message functions.
        perm (LongTensor, optional): ``[E]`` position of each edge in the caller's
            original edge order, so per-edge inputs can be reordered once.
    """

    rowptr: Tensor
    col: Tensor
    num_src: int
    edge_weight: Tensor | None = None
    edge_attr: Tensor | None = None
    perm: Tensor | None = None
    # Entries are built under torch.inference_mode(False). An entry first built inside
    # inference mode would be an inference tensor, and autograd cannot save one for the
    # backward pass of a later training step.
    _cache: dict = field(default_factory=dict, repr=False)

    def __deepcopy__(self, memo: dict) -> Block:
        # The cache may contain sparse CSR tensors, which torch cannot deep-copy, so the
        # copy starts with an empty cache and rebuilds its matrices on first use.
        fields = {
            name: copy.deepcopy(getattr(self, name), memo)
            for name in ("rowptr", "col", "num_src", "edge_weight", "edge_attr", "perm")
        }
        return Block(**fields)

    @property
    def num_dst(self) -> int:
        return self.rowptr.numel() - 1

    @property
    def num_edges(self) -> int:
        return self.col.numel()

    @property
    def row(self) -> Tensor:
        """``[E]`` destination index of each edge (expanded from ``rowptr``, cached)."""
        if "row" not in self._cache:
            with torch.inference_mode(False):
                counts = self.rowptr[1:] - self.rowptr[:-1]
                self._cache["row"] = torch.repeat_interleave(
                    torch.arange(self.num_dst, device=self.col.device), counts
                )
        return self._cache["row"]

    def in_degree(self) -> Tensor:
        """``[num_dst]`` number of incoming edges per destination (float)."""
        return (self.rowptr[1:] - self.rowptr[:-1]).to(torch.get_default_dtype())

    def out_degree(self) -> Tensor:
        """``[num_src]`` number of outgoing edges per source (float)."""
        deg = torch.zeros(
            self.num_src, dtype=torch.get_default_dtype(), device=self.col.device
        )
        return deg.index_add_(0, self.col, torch.ones_like(self.col, dtype=deg.dtype))

    def csr(
        self, values: Tensor | None = None, key: str = "ones", dtype=None
    ) -> Tensor:
        """Sparse CSR matrix ``A[dst, src]`` with the given edge values.

        The matrix is built once per ``(key, dtype)`` and cached, so callers pass a
        ``key`` that names the values (for example ``"gcn"``) and pay the cost once.
        """
        dtype = dtype or torch.get_default_dtype()
        cache_key = ("csr", key, dtype)
        if cache_key not in self._cache:
            with torch.inference_mode(False):
                values = self._values(values, dtype)
                self._cache[cache_key] = torch.sparse_csr_tensor(
                    self.rowptr,
                    self.col,
                    values,
                    (self.num_dst, self.num_src),
                    check_invariants=False,
                )
        return self._cache[cache_key]

    def csr_t(
        self, values: Tensor | None = None, key: str = "ones", dtype=None
    ) -> Tensor:
        """Sparse CSR matrix of the transpose ``A^T[src, dst]``, built once and cached."""
        dtype = dtype or torch.get_default_dtype()
        cache_key = ("csr_t", key, dtype)
        if cache_key not in self._cache:
            with torch.inference_mode(False):
                values = self._values(values, dtype)
                order = self.transpose_order()
                counts = torch.bincount(self.col, minlength=self.num_src)
                rowptr_t = torch.zeros(
                    self.num_src + 1, dtype=torch.long, device=self.col.device
                )
                torch.cumsum(counts, 0, out=rowptr_t[1:])
                self._cache[cache_key] = torch.sparse_csr_tensor(
                    rowptr_t,
                    self.row[order],
                    values[order],
                    (self.num_src, self.num_dst),
                    check_invariants=False,
                )
        return self._cache[cache_key]

    def transpose_order(self) -> Tensor:
        """``[E]`` edge permutation that sorts the edges by source (cached)."""
        if "order_t" not in self._cache:
            with torch.inference_mode(False):
                self._cache["order_t"] = torch.argsort(self.col, stable=True)
        return self._cache["order_t"]

    def _values(self, values: Tensor | None, dtype) -> Tensor:
        if values is None:
            return torch.ones(self.num_edges, dtype=dtype, device=self.col.device)
        return values.to(dtype)

    @classmethod
    def from_edge_index(
        cls,
        edge_index: Tensor,
        num_src: int,
        num_dst: int,
        edge_weight: Tensor | None = None,
        edge_attr: Tensor | None = None,
    ) -> "Block":
        """Build a block from a ``[2, E]`` ``(src, dst)`` edge index (PyG's flow).

        Edge order within one destination follows the input order (stable sort), so
        results that depend on order, such as ties in max, are reproducible.
        """
        check_edge_index(edge_index)
        if num_src < 0 or num_dst < 0:
            raise ValueError(
                f"num_src and num_dst must be non-negative, got {num_src} and {num_dst}. "
                "Pass the number of source and target nodes"
            )
        num_edges = edge_index.size(1)
        for name, values in (("edge_weight", edge_weight), ("edge_attr", edge_attr)):
            if values is not None and (
                values.dim() == 0 or values.size(0) != num_edges
            ):
                raise ValueError(
                    f"{name} has {values.size(0) if values.dim() else 0} rows but "
                    f"edge_index has {num_edges} edges. Pass one row per edge, in the "
                    "order of edge_index"
                )
        src, dst = edge_index[0].long(), edge_index[1].long()
        if src.numel() and (int(src.min()) < 0 or int(src.max()) >= num_src):
            raise ValueError(
                f"edge_index source ids must lie in [0, {num_src}), found range "
                f"[{int(src.min())}, {int(src.max())}]"
            )
        if dst.numel() and (int(dst.min()) < 0 or int(dst.max()) >= num_dst):
            raise ValueError(
                f"edge_index destination ids must lie in [0, {num_dst}), found range "
                f"[{int(dst.min())}, {int(dst.max())}]"
            )
        perm = torch.argsort(dst, stable=True)
        counts = torch.bincount(dst, minlength=num_dst)
        rowptr = torch.zeros(num_dst + 1, dtype=torch.long, device=dst.device)
        torch.cumsum(counts, 0, out=rowptr[1:])
        return cls(
            rowptr=rowptr,
            col=src[perm].contiguous(),
            num_src=num_src,
            edge_weight=None if edge_weight is None else edge_weight[perm],
            edge_attr=None if edge_attr is None else edge_attr[perm],
            perm=perm,
        )

    def edge_index(self) -> Tensor:
        """``[2, E]`` ``(src, dst)`` edge index in block (destination-sorted) order."""
        return torch.stack([self.col, self.row])


def check_edge_index(edge_index: Tensor, name: str = "edge_index") -> None:
    """Raise unless ``edge_index`` is an integer tensor of shape ``[2, E]``.

    ``name`` is the argument that the message names. For ``name="pairs"`` the
    message gives the expected shape as ``[2, P]``.
    """
    width = "P" if name == "pairs" else "E"
    if not isinstance(edge_index, Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of shape [2, {width}], got "
            f"{type(edge_index).__name__}. Convert it with torch.as_tensor({name})"
        )
    if edge_index.layout != torch.strided:
        # A sparse adjacency would get the dtype advice below, and one of shape [2, 2]
        # would pass the shape check and be read as two edges.
        raise TypeError(
            f"{name} must be a dense [2, {width}] tensor of (source, target) ids, got a "
            f"sparse tensor of shape {list(edge_index.shape)} (layout "
            f"{edge_index.layout}). For an adjacency whose entry (i, j) is the edge "
            f"i -> j, pass adj.to_sparse_coo().coalesce().indices(). For PyG's "
            "transposed adjacency adj_t, set data.adj_t and use LocalGraph.from_data"
        )
    dtype = edge_index.dtype
    if dtype == torch.bool or dtype.is_floating_point or dtype.is_complex:
        # A float index would be truncated by .long() and silently name other nodes.
        raise TypeError(
            f"{name} must have an integer dtype (torch.long or torch.int32), got "
            f"{dtype}. Convert whole-number ids with {name}.long()"
        )
    if edge_index.dim() != 2 or edge_index.size(0) != 2:
        transposed = edge_index.dim() == 2 and edge_index.size(1) == 2
        hint = f". Transpose it with {name}.t()" if transposed else ""
        raise ValueError(
            f"{name} must have shape [2, {width}], got {list(edge_index.shape)}{hint}"
        )
