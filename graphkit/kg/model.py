"""ULTRA's two networks: relation-graph network and entity network.

Galkin et al., "Towards Foundation Models for Knowledge Graph Reasoning", ICLR 2024
(https://arxiv.org/abs/2310.04562).

* :class:`RelationModel` runs on the relation graph. For a query relation ``q`` the
  boundary is the all-ones vector at node ``q`` and zero elsewhere; 6 layers with a
  learned 4-row table per layer give a representation of every relation conditioned on
  ``q``: :math:`R_q \\in \\mathbb{R}^{2R \\times d}`.
* :class:`EntityModel` runs on the fact graph. For a query ``(s, \\rho)`` it starts from
  :math:`h^0_v = [v = s]\\, R_q[\\rho]`, uses :math:`\\mathrm{MLP}_\\ell(R_q)` as the
  relation vectors of layer ``ell`` and scores candidate ``v`` with
  :math:`\\mathrm{MLP}([h^L_v \\,\\|\\, R_q[\\rho]])`.

Both networks add a shortcut around each layer: :math:`h^\\ell = \\mathrm{layer}(h^{\\ell-1})
+ h^{\\ell-1}`. A head query ``(?, r, t)`` is run as the tail query ``(t, r + R, ?)``,
and the relation graph stays conditioned on the original ``r``, because the released
checkpoints were trained that way.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphkit.kg.layer import RelationalConv
from graphkit.kg.relation_graph import RelationGraph
from graphkit.whole_numbers import require_whole_number


class FactGraph(NamedTuple):
    """Tensors of one fact graph that the entity network needs.

    ``edge_index`` ``(2, E)`` with row 0 the head, ``edge_type`` ``(E,)`` in ``[0, 2R)``
    (inverses included), the entity count and the relation graph of the full graph.
    """

    edge_index: Tensor
    edge_type: Tensor
    num_entities: int
    num_relations: int
    relation_graph: RelationGraph


def fact_graph(graph, device: torch.device | str = "cpu") -> FactGraph:
    """Collect the :class:`FactGraph` tensors of a
    :class:`~graphkit.kg.graph.KnowledgeGraph` on ``device``."""
    relation_graph = graph.relation_tensors().to(device)
    return FactGraph(
        graph.edge_index.to(device),
        graph.edge_type.to(device),
        graph.num_entities,
        graph.num_relations,
        relation_graph,
    )


class RelationModel(nn.Module):
    """Relation-graph network: ``num_layers`` layers, each with a 4-row relation table.

    Shapes:
        input ``query_relations`` ``(B,)`` in ``[0, 2R)``; output ``(B, 2R, d)``.
    """

    def __init__(
        self, dim: int = 64, num_layers: int = 6, aggregation: str = "lean"
    ) -> None:
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(
            RelationalConv(dim, num_relations=4, aggregation=aggregation)
            for _ in range(num_layers)
        )

    def forward(self, relation_graph: RelationGraph, query_relations: Tensor) -> Tensor:
        batch_size = query_relations.numel()
        num_nodes = int(relation_graph.num_nodes)
        # The boundary follows the parameters' dtype, so model.double() runs in float64.
        dtype = next(self.parameters(), torch.empty(0)).dtype
        boundary = torch.zeros(
            num_nodes, batch_size, self.dim, device=query_relations.device, dtype=dtype
        )
        batch = torch.arange(batch_size, device=query_relations.device)
        boundary[query_relations, batch] = 1.0
        hidden = boundary
        for layer in self.layers:
            out = layer(
                hidden, boundary, relation_graph.edge_index, relation_graph.edge_type
            )
            hidden = _shortcut(out, hidden)
        return hidden.transpose(0, 1)


class EntityModel(nn.Module):
    """Entity network: ``num_layers`` projection layers and a ``2d-2d-1`` scoring MLP.

    Shapes:
        ``relations`` ``(B, 2R, d)``; ``sources``, ``query_index`` ``(B,)``; the hidden
        states returned by :meth:`propagate` are ``(V, B, d)``.
    """

    def __init__(
        self, dim: int = 64, num_layers: int = 6, aggregation: str = "lean"
    ) -> None:
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(
            RelationalConv(dim, project_relations=True, aggregation=aggregation)
            for _ in range(num_layers)
        )
        self.mlp = nn.Sequential(
            nn.Linear(2 * dim, 2 * dim), nn.ReLU(), nn.Linear(2 * dim, 1)
        )

    def propagate(
        self, graph: FactGraph, relations: Tensor, sources: Tensor, query_index: Tensor
    ) -> tuple[Tensor, Tensor]:
        """Return the final states ``h^L`` ``(V, B, d)`` and query vectors ``z`` ``(B, d)``."""
        batch_size = sources.numel()
        batch = torch.arange(batch_size, device=sources.device)
        query = relations[batch, query_index]  # (B, d)
        boundary = torch.zeros(
            graph.num_entities,
            batch_size,
            self.dim,
            device=sources.device,
            dtype=query.dtype,
        )
        boundary[sources, batch] = query
        hidden = boundary
        for layer in self.layers:
            out = layer(hidden, boundary, graph.edge_index, graph.edge_type, relations)
            hidden = _shortcut(out, hidden)
        return hidden, query

    def score(
        self, hidden: Tensor, query: Tensor, candidates: Tensor | None = None
    ) -> Tensor:
        """Score ``MLP([h_v || z])`` for all entities (``candidates=None``, output
        ``(B, V)``) or for ``candidates`` ``(B, C)`` (output ``(B, C)``)."""
        first, _, last = self.mlp
        # The first Linear acts on [h || z] as two products, so the (V, B, 2d) input
        # with the query repeated for every entity is never built.
        query_term = F.linear(query, first.weight[:, self.dim :], first.bias)
        if candidates is None:
            pre = F.linear(hidden, first.weight[:, : self.dim])  # (V, B, 2d)
            pre += query_term
            logits = F.linear(torch.relu_(pre), last.weight, last.bias)
            return logits.squeeze(-1).transpose(0, 1)
        batch = torch.arange(candidates.size(0), device=candidates.device).unsqueeze(1)
        pre = F.linear(hidden[candidates, batch], first.weight[:, : self.dim])
        pre = pre + query_term.unsqueeze(1)  # (B, C, 2d)
        return F.linear(torch.relu(pre), last.weight, last.bias).squeeze(-1)


def _shortcut(out: Tensor, hidden: Tensor) -> Tensor:
    """Return ``out + hidden``, in place when no gradient is recorded.

    With autograd on, ``out`` (a ReLU result) is kept for the backward pass and must not
    change, so a new tensor is made.
    """
    if torch.is_grad_enabled():
        return out + hidden
    return out.add_(hidden)


class UltraNet(nn.Module):
    """ULTRA's forward pass: relation representations, then entity scores.

    Args:
        dim (int): hidden size ``d`` of both networks. (default: ``64``)
        num_layers (int): layers per network. (default: ``6``)
        aggregation (str): ``"lean"`` or ``"plain"`` (see :mod:`graphkit.kg.aggregate`).
    """

    def __init__(
        self, dim: int = 64, num_layers: int = 6, aggregation: str = "lean"
    ) -> None:
        super().__init__()
        for name, value in (("dim", dim), ("num_layers", num_layers)):
            # A negative layer count would build no layers, and a float dim would fail
            # inside torch.empty with a message that names neither argument.
            require_whole_number(
                value,
                f"{name}={value!r} is invalid. Pass a whole number >= 1 (the "
                "released checkpoints use dim=64 and num_layers=6)",
                minimum=1,
                tensors=False,
            )
        self.relation_model = RelationModel(dim, num_layers, aggregation)
        self.entity_model = EntityModel(dim, num_layers, aggregation)

    def set_aggregation(self, aggregation: str) -> None:
        """Switch every layer to ``"lean"`` or ``"plain"`` aggregation."""
        for module in self.modules():
            if isinstance(module, RelationalConv):
                module.aggregation = aggregation

    def forward(
        self,
        graph: FactGraph,
        sources: Tensor,
        query_index: Tensor,
        candidates: Tensor | None = None,
    ) -> Tensor:
        """Score candidate answers of tail-form queries ``(source, query_index, ?)``.

        Args:
            graph (FactGraph): the graph to pass messages over.
            sources (LongTensor): source entity per query, shape ``(B,)``.
            query_index (LongTensor): relation per query in ``[0, 2R)``; ``r + R`` asks
                for the heads of ``r``. Shape ``(B,)``.
            candidates (LongTensor, optional): entities to score, ``(B, C)``; default all.

        Returns:
            Tensor: logits, ``(B, V)`` or ``(B, C)``.

        Raises:
            TypeError: an id tensor is floating-point or bool.
            ValueError: an id lies outside ``[0, V)`` (sources, candidates) or
                ``[0, 2R)`` (query_index). Indexing would wrap a negative id around
                to another entity or relation.
        """
        check_query_ids(graph, sources, query_index, candidates)
        conditioning = query_index % graph.num_relations
        relations = self.relation_model(graph.relation_graph, conditioning)
        hidden, query = self.entity_model.propagate(
            graph, relations, sources, query_index
        )
        return self.entity_model.score(hidden, query, candidates)


def check_query_ids(
    graph: FactGraph, sources: Tensor, query_index: Tensor, candidates: Tensor | None
) -> None:
    """Raise TypeError or ValueError unless every id of a forward pass indexes ``graph``."""
    checks = [
        ("sources", sources, graph.num_entities, "entity ids"),
        ("query_index", query_index, 2 * graph.num_relations, "relation ids"),
    ]
    if candidates is not None:
        checks.append(("candidates", candidates, graph.num_entities, "entity ids"))
    for name, ids, size, kind in checks:
        if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
            raise TypeError(f"{name} must be integer {kind}, got {ids.dtype}")
        if not ids.numel():
            continue
        low, high = int(ids.min()), int(ids.max())
        if low < 0 or high >= size:
            raise ValueError(
                f"{name} must be {kind} in [0, {size}), found "
                f"{low if low < 0 else high}"
            )
