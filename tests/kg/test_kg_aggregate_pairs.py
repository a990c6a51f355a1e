"""The lean aggregation sums the senders of each (receiver, type) pair first."""

import torch

from graphkit.kg.aggregate import (
    _group,
    aggregate_lean,
    aggregate_plain,
    edge_groups,
)

# Stored edges (receiver, sender, type): node 0 receives from 1 and 2 by type 0 and
# from 2 by type 1; node 1 receives from 0 by type 0.
EDGE_INDEX = torch.tensor([[0, 1, 0, 0], [2, 0, 2, 1]])
EDGE_TYPE = torch.tensor([0, 0, 1, 0])


def test_group_pair_order_and_edge_order():
    pairs = _group(EDGE_INDEX[0], EDGE_INDEX[1], EDGE_TYPE)
    assert pairs.rows.tolist() == [0, 0, 1]
    assert pairs.types.tolist() == [0, 1, 0]
    assert pairs.offsets.tolist() == [0, 2, 3, 4]
    # Pair (0, type 0) contains edges 0 (sender 2) and 3 (sender 1), in edge order.
    assert pairs.members.tolist() == [2, 1, 2, 0]


def test_group_of_an_empty_graph_has_no_pairs():
    empty = torch.zeros(0, dtype=torch.long)
    pairs = _group(empty, empty, empty)
    assert pairs.offsets.tolist() == [0]
    assert pairs.rows.numel() == 0


def test_lean_aggregation_values_and_gradients_by_hand():
    x = torch.tensor([[1.0], [10.0], [100.0]]).unsqueeze(1).requires_grad_()
    relation = torch.tensor([[2.0], [3.0]]).unsqueeze(1).requires_grad_()
    out = aggregate_lean(x, relation, EDGE_INDEX, EDGE_TYPE, chunk_size=1)
    # m_0 = 2 * (100 + 10) + 3 * 100, m_1 = 2 * 1, m_2 = 0.
    assert out.flatten().tolist() == [520.0, 2.0, 0.0]
    grad = torch.tensor([[1.0], [5.0], [7.0]]).unsqueeze(1)
    grad_x, grad_relation = torch.autograd.grad(out, (x, relation), grad)
    # x_0 reaches m_1 by type 0; x_1 reaches m_0 by type 0; x_2 reaches m_0 twice.
    assert grad_x.flatten().tolist() == [5 * 2.0, 1 * 2.0, 1 * 2.0 + 1 * 3.0]
    # w_0 multiplies x_2 + x_1 into m_0 and x_0 into m_1; w_1 multiplies x_2 into m_0.
    assert grad_relation.flatten().tolist() == [1 * 110.0 + 5 * 1.0, 1 * 100.0]


def test_lean_aggregation_with_an_empty_graph_is_zero():
    x = torch.randn(3, 2, 4)
    empty = torch.zeros(2, 0, dtype=torch.long)
    out = aggregate_lean(x, torch.randn(1, 2, 4), empty, empty[0])
    assert torch.equal(out, torch.zeros_like(x))


def test_edge_groups_cache_and_edit():
    edge_index, edge_type = EDGE_INDEX.clone(), EDGE_TYPE.clone()
    first = edge_groups(edge_index, edge_type)
    assert edge_groups(edge_index, edge_type) is first
    edge_type[2] = 0  # an in-place edit must not reuse the stale grouping
    second = edge_groups(edge_index, edge_type)
    assert second is not first
    assert second.by_receiver.types.tolist() == [0, 0]
    x = torch.randn(3, 2, 4)
    relation = torch.randn(2, 2, 4)
    torch.testing.assert_close(
        aggregate_lean(x, relation, edge_index, edge_type),
        aggregate_plain(x, relation, edge_index, edge_type),
    )


def test_lean_matches_plain_on_repeated_pairs_in_float64():
    generator = torch.Generator().manual_seed(3)
    # 200 edges over 6 nodes and 2 types: most (receiver, type) pairs contain many edges.
    edge_index = torch.randint(6, (2, 200), generator=generator)
    edge_type = torch.randint(2, (200,), generator=generator)
    x = torch.randn(6, 3, 5, dtype=torch.double, generator=generator)
    relation = torch.randn(2, 3, 5, dtype=torch.double, generator=generator)
    lean = aggregate_lean(x, relation, edge_index, edge_type, chunk_size=2)
    plain = aggregate_plain(x, relation, edge_index, edge_type)
    torch.testing.assert_close(lean, plain, rtol=1e-12, atol=1e-12)


def test_edge_groups_freed_with_graph():
    from graphkit.kg.aggregate import _GROUPS_CACHE

    edge_index, edge_type = EDGE_INDEX.clone(), EDGE_TYPE.clone()
    groups = edge_groups(edge_index, edge_type)
    key = (id(edge_index), id(edge_type))
    assert key in _GROUPS_CACHE
    del edge_index
    assert key not in _GROUPS_CACHE
    assert groups.by_receiver.rows.tolist() == [0, 0, 1]


def _lean_and_plain_gradients(x, relation, edge_index, edge_type):
    grad = torch.randn(
        x.shape, dtype=x.dtype, generator=torch.Generator().manual_seed(5)
    )
    inputs = [t for t in (x, relation) if t.requires_grad]
    lean = aggregate_lean(x, relation, edge_index, edge_type, chunk_size=2)
    plain = aggregate_plain(x, relation, edge_index, edge_type)
    return (
        torch.autograd.grad(lean, inputs, grad),
        torch.autograd.grad(plain, inputs, grad),
    )


def test_lean_gradients_match_plain_in_float64():
    generator = torch.Generator().manual_seed(4)
    edge_index = torch.randint(6, (2, 200), generator=generator)
    edge_type = torch.randint(3, (200,), generator=generator)
    x = torch.randn(6, 4, 5, dtype=torch.double, generator=generator)
    cases = {
        "per-query table": (True, 4, True),
        "shared table": (True, 1, True),
        "x only": (True, 4, False),
        "table only": (False, 4, True),
        "shared table only": (False, 1, True),
    }
    for name, (x_grad, table_batch, table_grad) in cases.items():
        relation = torch.randn(
            3, table_batch, 5, dtype=torch.double, generator=generator
        )
        lean, plain = _lean_and_plain_gradients(
            x.clone().requires_grad_(x_grad),
            relation.requires_grad_(table_grad),
            edge_index,
            edge_type,
        )
        assert len(lean) == len(plain), name
        for lean_grad, plain_grad in zip(lean, plain):
            torch.testing.assert_close(
                lean_grad, plain_grad, rtol=1e-12, atol=1e-12, msg=name
            )


def test_lean_backward_sums_each_sender_pair_once(monkeypatch):
    from graphkit.kg import aggregate

    tables = []
    embedding_bag = aggregate.F.embedding_bag

    def counting_embedding_bag(members, table, offsets, **kwargs):
        tables.append(table)
        return embedding_bag(members, table, offsets, **kwargs)

    x = torch.randn(3, 2, 4).requires_grad_()
    relation = torch.randn(2, 2, 4).requires_grad_()
    out = aggregate_lean(x, relation, EDGE_INDEX, EDGE_TYPE, chunk_size=1)
    monkeypatch.setattr(aggregate.F, "embedding_bag", counting_embedding_bag)
    out.backward(torch.ones_like(out))
    # Four (sender, type) pairs: (0, 0), (1, 0), (2, 0) and (2, 1), one chunk each.
    # Both gradients come from the same pass, so the forward's three (receiver, type)
    # pair sums are not recomputed.
    assert len(tables) == 4
    # A table that requires grad would send embedding_bag down its slower path.
    assert not any(table.requires_grad for table in tables)
