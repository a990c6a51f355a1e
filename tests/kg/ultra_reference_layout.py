"""A second, deliberately plain ULTRA forward pass and ranking, written in the
reference code's data layout, to check graphkit's pipeline end to end.

It follows the semantics of the ULTRA reference code in ``DeepGraphLearning/ULTRA``
(``GrailInductiveDataset``, ``build_relation_graph``, ``RelNBFNet``, ``EntityNBFNet``,
``negative_sample_to_tail``, ``strict_negative_mask``, ``compute_ranking``). It shares no
code with graphkit's model:

* node states are batch-first ``(B, N, d)``;
* the fact graph is ``(h, t, r)`` rows with the inverses appended;
* the relation graph comes from row-normalised incidence products (pattern only);
* head queries run in tail form, with the relation graph conditioned on the original
  relation;
* ranks are pessimistic, filtered on ``(entity, relation)`` pairs of a filter edge list.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor


def read_grail_reference(root: Path, name: str) -> dict:
    """Number a GraIL split the way the reference loader does.

    Relations: first appearance in ``NAME/train.txt`` then ``NAME/valid.txt``.
    Entities of the inference graph: first appearance (head, then tail of each row) in
    ``NAME_ind/train.txt``, ``valid.txt``, ``test.txt``. Rows are ``(h, t, r)``.
    """
    relations: dict[str, int] = {}
    for part in ("train", "valid"):
        for line in (root / name / f"{part}.txt").read_text().splitlines():
            relations.setdefault(line.split("\t")[1], len(relations))
    entities: dict[str, int] = {}
    rows = {}
    for part in ("train", "valid", "test"):
        rows[part] = []
        for line in (root / f"{name}_ind" / f"{part}.txt").read_text().splitlines():
            head, relation, tail = line.split("\t")
            h = entities.setdefault(head, len(entities))
            t = entities.setdefault(tail, len(entities))
            rows[part].append((h, t, relations[relation]))
    facts = torch.tensor(rows["train"])
    targets = torch.tensor(rows["valid"] + rows["test"])
    return {
        "facts": facts,
        "targets": targets,
        "num_nodes": len(entities),
        "num_relations": len(relations),
        "entity_names": list(entities),
        "relation_names": list(relations),
    }


def read_transductive_reference(folder: Path) -> dict:
    """Number a transductive folder the way the reference loader does.

    Entities and relations are numbered by first appearance (head, then tail, then
    relation of each row) in ``train.txt``, ``valid.txt``, ``test.txt``. The facts
    are ``train.txt``, the targets ``test.txt``, and ``known`` contains the rows of
    all three files. Rows are ``(h, t, r)``.
    """
    entities: dict[str, int] = {}
    relations: dict[str, int] = {}
    rows = {}
    for part in ("train", "valid", "test"):
        rows[part] = []
        for line in (folder / f"{part}.txt").read_text().splitlines():
            head, relation, tail = line.split("\t")
            h = entities.setdefault(head, len(entities))
            t = entities.setdefault(tail, len(entities))
            r = relations.setdefault(relation, len(relations))
            rows[part].append((h, t, r))
    return {
        "facts": torch.tensor(rows["train"]),
        "targets": torch.tensor(rows["test"]),
        "known": torch.tensor(rows["train"] + rows["valid"] + rows["test"]),
        "num_nodes": len(entities),
        "num_relations": len(relations),
        "entity_names": list(entities),
        "relation_names": list(relations),
    }


def fact_edges(facts: Tensor, num_relations: int) -> tuple[Tensor, Tensor]:
    """Return edges ``(2, 2T)`` (facts, then flipped facts) and types ``r``, ``r + R``."""
    edge_index = facts[:, :2].t()
    edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    edge_type = torch.cat([facts[:, 2], facts[:, 2] + num_relations])
    return edge_index, edge_type


def relation_graph_reference(
    edge_index: Tensor, edge_type: Tensor, num_nodes: int, num_types: int
) -> tuple[Tensor, Tensor]:
    """Build the relation-graph edges from degree-normalised incidence products.

    ``A_hh = E_h^T D_h^{-1} E_h`` and so on, with ``D`` the number of distinct types per
    entity. An edge ``(i, j)`` of type 0..3 (hh, tt, ht, th) exists wherever the product
    is nonzero. The matrices are dense float64, so use it on small graphs only.
    """

    def incidence(nodes: Tensor) -> tuple[Tensor, Tensor]:
        pairs = torch.unique(torch.stack([nodes, edge_type], 1), dim=0)
        plain = torch.zeros(num_nodes, num_types, dtype=torch.float64)
        plain[pairs[:, 0], pairs[:, 1]] = 1.0
        degree = plain.sum(1, keepdim=True).clamp(min=1.0)
        return plain, plain / degree

    heads, heads_scaled = incidence(edge_index[0])
    tails, tails_scaled = incidence(edge_index[1])
    products = [
        heads_scaled.t() @ heads,
        tails_scaled.t() @ tails,
        heads_scaled.t() @ tails,
        tails_scaled.t() @ heads,
    ]
    blocks = [product.nonzero().t() for product in products]
    types = torch.cat(
        [torch.full((b.size(1),), k, dtype=torch.long) for k, b in enumerate(blocks)]
    )
    return torch.cat(blocks, 1), types


def _layer(layer, x, boundary, edge_index, edge_type, relation):
    """Run one layer in batch-first layout, with row 0 of ``edge_index`` receiving."""
    receiver, sender = edge_index
    messages = x[:, sender] * relation[:, edge_type]
    update = torch.zeros_like(x).index_add_(1, receiver, messages) + boundary
    out = F.linear(torch.cat([x, update], -1), layer.linear.weight, layer.linear.bias)
    out = F.layer_norm(
        out, (out.size(-1),), layer.layer_norm.weight, layer.layer_norm.bias
    )
    return torch.relu(out)


@torch.no_grad()
def scores_reference(model, data: dict, heads: Tensor, relations: Tensor) -> Tensor:
    """Score all entities for tail-form queries ``(heads, relations)``, shape ``(B, N)``.

    A ``relations`` entry ``r + R`` is a head query run in tail form. The relation graph
    is conditioned on ``relations mod R``, the original relation of the reference's
    ``batch[:, 0, 2]``.
    """
    num_relations = data["num_relations"]
    edge_index, edge_type = fact_edges(data["facts"], num_relations)
    rel_index, rel_type = relation_graph_reference(
        edge_index, edge_type, data["num_nodes"], 2 * num_relations
    )
    batch = heads.numel()
    dtype = model.entity_model.mlp[0].weight.dtype
    dim = model.entity_model.dim
    # Relation-graph network: all-ones boundary at the query relation's node.
    boundary = torch.zeros(batch, 2 * num_relations, dim, dtype=dtype)
    boundary[torch.arange(batch), relations % num_relations] = 1.0
    x = boundary
    for layer in model.relation_model.layers:
        table = layer.relation.weight.unsqueeze(0).expand(batch, -1, -1)
        x = _layer(layer, x, boundary, rel_index, rel_type, table) + x
    relation_states = x  # (B, 2R, d)
    query = relation_states[torch.arange(batch), relations]
    boundary = torch.zeros(batch, data["num_nodes"], dim, dtype=dtype)
    boundary[torch.arange(batch), heads] = query
    x = boundary
    for layer in model.entity_model.layers:
        projected = layer.relation_projection(relation_states)
        x = _layer(layer, x, boundary, edge_index, edge_type, projected) + x
    feature = torch.cat([x, query.unsqueeze(1).expand_as(x)], -1)
    return model.entity_model.mlp(feature).squeeze(-1)


@torch.no_grad()
def ranks_reference(
    model, data: dict, batch_size: int = 32, filter_targets: Tensor | None = None
) -> Tensor:
    """Rank the targets pessimistically: tail ranks, then head ranks, per batch.

    The filter is the fact graph with inverses plus the target triples. A tail query
    ``(h, r)`` ignores every ``t'`` of a filter edge ``(h, t', r)``, and a head query
    ``(t, r)`` every ``h'`` of a filter edge ``(h', t, r)``. Pass ``filter_targets``
    ``(h, t, r)`` to rank a subset of the targets with the filter of the whole set.
    """
    num_relations = data["num_relations"]
    edge_index, edge_type = fact_edges(data["facts"], num_relations)
    targets = data["targets"]
    known = targets if filter_targets is None else filter_targets
    filter_index = torch.cat([edge_index, known[:, :2].t()], 1)
    filter_type = torch.cat([edge_type, known[:, 2]])
    out = []
    for start in range(0, targets.size(0), batch_size):
        h, t, r = targets[start : start + batch_size].t()
        tail_scores = scores_reference(model, data, h, r)
        head_scores = scores_reference(model, data, t, r + num_relations)
        for scores, anchor, answer, anchor_row in (
            (tail_scores, h, t, 0),
            (head_scores, t, h, 1),
        ):
            mask = torch.ones_like(scores, dtype=torch.bool)
            for i in range(anchor.numel()):
                match = (filter_index[anchor_row] == anchor[i]) & (filter_type == r[i])
                mask[i, filter_index[1 - anchor_row, match]] = False
            mask[torch.arange(anchor.numel()), answer] = False
            true = scores.gather(1, answer.unsqueeze(1))
            out.append(((true <= scores) & mask).sum(1) + 1)
    return torch.cat(out)
