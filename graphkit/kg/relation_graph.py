"""Relation graph of ULTRA (Galkin et al., "Towards Foundation Models for Knowledge
Graph Reasoning", ICLR 2024, https://arxiv.org/abs/2310.04562).

Nodes are the ``K = 2R`` relation types of a fact graph (inverses included). With the
binary incidence matrices :math:`E_h, E_t \\in \\{0,1\\}^{N \\times K}`
(:math:`E_h[v, r] = 1` iff some edge of type ``r`` has head ``v``, likewise tails),

.. math::
    A_{h2h} = E_h^\\top E_h,\\quad A_{t2t} = E_t^\\top E_t,\\quad
    A_{h2t} = E_h^\\top E_t,\\quad A_{t2h} = E_t^\\top E_h,

and the relation graph has an edge ``(i, j)`` of type ``k`` iff :math:`A_k[i, j] > 0`.
Type ids are 0 = head-to-head, 1 = tail-to-tail, 2 = head-to-tail, 3 = tail-to-head,
the order the released ULTRA checkpoints use. Only the sparsity pattern is kept.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, NamedTuple

import torch
from torch import Tensor

from graphkit.block import check_edge_index
from graphkit.whole_numbers import require_whole_number

if TYPE_CHECKING:
    from torch_geometric.data import Data

HEAD_TO_HEAD, TAIL_TO_TAIL, HEAD_TO_TAIL, TAIL_TO_HEAD = range(4)


def _incidence(
    nodes: Tensor, edge_type: Tensor, num_nodes: int, num_types: int
) -> Tensor:
    """Binary sparse ``(num_nodes, num_types)`` matrix of the (node, type) pairs."""
    pairs = torch.unique(torch.stack([nodes, edge_type]), dim=1)
    values = torch.ones(pairs.size(1), device=pairs.device)
    shape = (num_nodes, num_types)
    return torch.sparse_coo_tensor(
        pairs, values, shape, check_invariants=True
    ).coalesce()


def _pattern(left: Tensor, right: Tensor) -> Tensor:
    """Indices ``(2, nnz)`` of the nonzeros of ``left^T @ right`` (row-major order)."""
    with warnings.catch_warnings():
        # torch 2.x routes this product through its beta CSR code and says so once.
        warnings.filterwarnings(
            "ignore", message="Sparse CSR tensor support is in beta"
        )
        product = torch.sparse.mm(left.t().coalesce(), right).coalesce()
    return product.indices()[:, product.values() > 0]


class RelationGraph(NamedTuple):
    """Tensors of a relation graph: the fields of :func:`build_relation_graph`'s ``Data``.

    ULTRA's model reads only these fields, so ranking needs no ``torch_geometric``
    import. That import cost 1.7 s of CPU time per ``graphkit kg`` command in
    ``benchmarks/kg_cli_startup.py``.
    """

    edge_index: Tensor
    edge_type: Tensor
    num_nodes: int
    num_relations: int = 4

    def to(self, device: torch.device | str) -> RelationGraph:
        """Return the graph with its tensors on ``device``."""
        return self._replace(
            edge_index=self.edge_index.to(device), edge_type=self.edge_type.to(device)
        )

    def to_pyg(self) -> Data:
        """Return the graph as a PyG ``Data`` (the form :func:`build_relation_graph`
        returns)."""
        from torch_geometric.data import Data

        return Data(
            edge_index=self.edge_index,
            edge_type=self.edge_type,
            num_nodes=self.num_nodes,
            num_relations=self.num_relations,
        )


def check_fact_edges(
    edge_index: Tensor, edge_type: Tensor, num_nodes: int, num_types: int
) -> tuple[int, int]:
    """Return ``(num_nodes, num_types)`` as ints after checking the fact edges.

    The edges must be integer tensors whose ids fit the counts. Without this check an
    id past a count fails inside torch's sparse code with a message that names no
    argument, and a float ``edge_index`` is silently accepted. A count may be a NumPy
    integer or a one-element integer tensor, and it is returned as an int.
    """
    check_edge_index(edge_index)
    if not isinstance(edge_type, Tensor):
        raise TypeError(
            f"edge_type must be a torch.Tensor of shape [E], got "
            f"{type(edge_type).__name__}. Convert it with torch.as_tensor(edge_type)"
        )
    dtype = edge_type.dtype
    if dtype == torch.bool or dtype.is_floating_point or dtype.is_complex:
        raise TypeError(
            f"edge_type must have an integer dtype (torch.long or torch.int32), got "
            f"{dtype}. Convert whole-number types with edge_type.long()"
        )
    if edge_type.shape != (edge_index.size(1),):
        raise ValueError(
            f"edge_type must have shape [{edge_index.size(1)}], one type per column "
            f"of edge_index, got {list(edge_type.shape)}"
        )
    counts = []
    for count, count_name in ((num_nodes, "num_nodes"), (num_types, "num_types")):
        # A float count would fail inside torch.sparse_coo_tensor, and True would
        # pass as 1.
        message = f"{count_name}={count!r} is invalid. Pass a whole number >= 0"
        counts.append(require_whole_number(count, message, minimum=0))
    num_nodes, num_types = counts
    for ids, name, count, count_name in (
        (edge_index, "edge_index", num_nodes, "num_nodes"),
        (edge_type, "edge_type", num_types, "num_types"),
    ):
        if ids.numel() == 0:
            continue
        low, high = int(ids.min()), int(ids.max())
        if low < 0:
            raise ValueError(
                f"{name} contains the negative id {low}, but ids must lie in "
                f"[0, {count}). Renumber the ids from 0"
            )
        if high >= count:
            raise ValueError(
                f"{name} contains the id {high}, but {count_name}={count} allows ids "
                f"in [0, {count}) only. Pass {count_name}={high + 1} or more, or "
                "renumber the ids"
            )
    return num_nodes, num_types


def relation_graph_tensors(
    edge_index: Tensor, edge_type: Tensor, num_nodes: int, num_types: int
) -> RelationGraph:
    """Build the relation graph as in :func:`build_relation_graph`, as a
    :class:`RelationGraph` rather than a PyG ``Data``."""
    num_nodes, num_types = check_fact_edges(edge_index, edge_type, num_nodes, num_types)
    heads = _incidence(edge_index[0], edge_type, num_nodes, num_types)
    tails = _incidence(edge_index[1], edge_type, num_nodes, num_types)
    blocks = [
        _pattern(heads, heads),  # HEAD_TO_HEAD
        _pattern(tails, tails),  # TAIL_TO_TAIL
        _pattern(heads, tails),  # HEAD_TO_TAIL
        _pattern(tails, heads),  # TAIL_TO_HEAD
    ]
    types = torch.cat(
        [
            torch.full((b.size(1),), k, dtype=torch.long, device=b.device)
            for k, b in enumerate(blocks)
        ]
    )
    return RelationGraph(torch.cat(blocks, dim=1), types, num_types)


def build_relation_graph(
    edge_index: Tensor, edge_type: Tensor, num_nodes: int, num_types: int
) -> Data:
    """Build the relation graph of a fact graph with four interaction types.

    Args:
        edge_index (LongTensor): fact edges, row 0 head, row 1 tail, shape ``(2, E)``.
        edge_type (LongTensor): edge types in ``[0, num_types)``, shape ``(E,)``.
        num_nodes (int): number of entities ``N``.
        num_types (int): number of edge types ``K`` (``2R`` with inverses).

    Returns:
        Data: ``edge_index`` ``(2, E_rel)`` with ``[i; j]`` for each edge,
        ``edge_type`` ``(E_rel,)`` in ``0..3``, ``num_nodes = K``, ``num_relations = 4``.
        Edge types absent from the graph become isolated nodes.

    Raises:
        TypeError: ``edge_index`` or ``edge_type`` is not an integer tensor.
        ValueError: a shape is wrong, or an id is negative or not below
            ``num_nodes`` (``num_types`` for ``edge_type``).
    """
    return relation_graph_tensors(edge_index, edge_type, num_nodes, num_types).to_pyg()
