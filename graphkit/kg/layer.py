"""One conditional message-passing layer of ULTRA (the NBFNet layer with DistMult
messages and sum aggregation).

Zhu et al., "Neural Bellman-Ford Networks", NeurIPS 2021 (https://arxiv.org/abs/2106.06935),
as used by ULTRA (Galkin et al., ICLR 2024). For node ``u`` with state :math:`h_u` and
boundary condition :math:`b_u` (the initial state, added as one more self-message),

.. math::
    m_u = b_u + \\sum_{(u, v, k)} h_v \\odot w_k, \\qquad
    h'_u = \\mathrm{ReLU}\\big(\\mathrm{LayerNorm}(W [h_u \\,\\|\\, m_u] + c)\\big).

The relation vectors :math:`w_k` are either a learned table shared by all queries
(ULTRA's relation-graph network) or the query's relation representations passed
through a per-layer ``Linear-ReLU-Linear`` projection (ULTRA's entity network).
Module names (``linear``, ``layer_norm``, ``relation``, ``relation_projection``) match the
keys of the released checkpoints.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphkit.kg.aggregate import AGGREGATIONS


class RelationalConv(nn.Module):
    """Conditional message-passing layer over a multi-relational graph.

    Args:
        dim (int): state size ``d``.
        num_relations (int, optional): size ``K`` of the learned relation table; give it
            for a layer with its own table and leave it ``None`` with
            ``project_relations=True``.
        project_relations (bool): map external relation features through
            ``Linear(d, d) -> ReLU -> Linear(d, d)``. (default: ``False``)
        layer_norm (bool): apply LayerNorm before the activation. (default: ``True``)
        activation (bool): apply ReLU. (default: ``True``)
        aggregation (str): ``"lean"`` (chunked, recomputed in backward) or ``"plain"``
            (all messages materialised). (default: ``"lean"``)

    Shapes:
        ``x``, ``boundary``: ``(V, B, d)``; ``edge_index``: ``(2, E)`` with row 0 the
        receiver; ``edge_type``: ``(E,)``; ``relation`` (projection layers only):
        ``(B, K, d)``; output ``(V, B, d)``.
    """

    def __init__(
        self,
        dim: int,
        num_relations: int | None = None,
        project_relations: bool = False,
        layer_norm: bool = True,
        activation: bool = True,
        aggregation: str = "lean",
    ) -> None:
        super().__init__()
        if aggregation not in AGGREGATIONS:
            raise ValueError(
                f"aggregation must be one of {sorted(AGGREGATIONS)}, got "
                f"{aggregation!r}"
            )
        if project_relations == (num_relations is not None):
            raise ValueError(
                "give num_relations for a layer with its own relation table, "
                "or project_relations=True for one that projects external "
                f"features; got num_relations={num_relations}, "
                f"project_relations={project_relations}"
            )
        self.dim = dim
        self.aggregation = aggregation
        self.linear = nn.Linear(2 * dim, dim)
        self.layer_norm = nn.LayerNorm(dim) if layer_norm else None
        self.activation = activation
        if project_relations:
            self.relation_projection = nn.Sequential(
                nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim)
            )
        else:
            self.relation = nn.Embedding(num_relations, dim)

    def relation_vectors(self, relation: Tensor | None) -> Tensor:
        """Return the per-type message vectors as ``(K, B, d)`` (``B = 1`` if shared)."""
        if hasattr(self, "relation_projection"):
            if relation is None:
                raise ValueError(
                    "this layer projects external relation features; pass "
                    "relation of shape (B, K, d)"
                )
            return self.relation_projection(relation).transpose(0, 1)
        return self.relation.weight.unsqueeze(1)

    def forward(
        self,
        x: Tensor,
        boundary: Tensor,
        edge_index: Tensor,
        edge_type: Tensor,
        relation: Tensor | None = None,
    ) -> Tensor:
        weights = self.relation_vectors(relation)
        aggregate = AGGREGATIONS[self.aggregation]
        # The aggregation returns a fresh tensor, so adding in place is safe for autograd.
        messages = aggregate(x, weights, edge_index, edge_type).add_(boundary)
        # W [x || m] as two products, so the (V, B, 2d) concatenation is never built.
        # They run on (V B, d) rows because F.linear returns a view for 3-D input
        # (torch 2.13), and after an in-place add to a view autograd copies the whole
        # tensor in backward.
        out = F.linear(
            x.reshape(-1, self.dim), self.linear.weight[:, : self.dim], self.linear.bias
        )
        out += F.linear(
            messages.reshape(-1, self.dim), self.linear.weight[:, self.dim :]
        )
        if self.layer_norm is not None:
            out = self.layer_norm(out)
        if self.activation:
            out = torch.relu_(out)
        return out.view(x.shape)
