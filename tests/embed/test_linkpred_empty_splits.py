"""Link prediction on empty splits and on scores that numpy cannot read directly."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch_geometric.data import Data

from graphkit.embed.linkpred import LinkPredictionConfig, roc_auc, run_link_prediction


def square_split(**overrides) -> Data:
    """A 4-cycle with one held-out diagonal and the other diagonal as its negative."""
    fields = {
        "train_pos_edge_index": torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]]),
        "test_pos_edge_index": torch.tensor([[0], [2]]),
        "test_neg_edge_index": torch.tensor([[1], [3]]),
    }
    fields.update(overrides)
    return Data(num_nodes=4, **fields)


def test_full_split_runs():
    result = run_link_prediction(square_split(), LinkPredictionConfig(rank=2))
    assert 0.0 <= result.auc <= 1.0
    assert result.rank == 2


def test_two_cliques_auc_one():
    # Two 4-cliques, each missing one held-out edge. Walks never cross between the
    # cliques, so each held-out edge should outscore every pair across them.
    edges = [
        (a, b)
        for group in ([0, 1, 2, 3], [4, 5, 6, 7])
        for a, b in itertools.combinations(group, 2)
        if (a, b) not in {(0, 1), (4, 5)}
    ]
    data = Data(
        num_nodes=8,
        train_pos_edge_index=torch.tensor(edges).T,
        test_pos_edge_index=torch.tensor([[0, 4], [1, 5]]),
        test_neg_edge_index=torch.tensor([[0, 1, 2, 3], [4, 5, 6, 7]]),
    )
    assert run_link_prediction(data, LinkPredictionConfig(rank=2)).auc == 1.0


@pytest.mark.parametrize(
    "name", ["train_pos_edge_index", "test_pos_edge_index", "test_neg_edge_index"]
)
def test_empty_split_rejected(name):
    data = square_split(**{name: torch.zeros(2, 0, dtype=torch.long)})
    with pytest.raises(ValueError, match=f"data.{name} is empty"):
        run_link_prediction(data, LinkPredictionConfig(rank=2))


def test_roc_auc_rejects_one_class():
    # scikit-learn returns NaN with a warning here, which would print as a result.
    with pytest.raises(ValueError, match="got 0 positive and 2 negative"):
        roc_auc(torch.tensor([]), torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="got 1 positive and 0 negative"):
        roc_auc(torch.tensor([1.0]), torch.tensor([]))


def test_roc_auc_reads_graph_attached_scores():
    positive = torch.tensor([3.0, 4.0], requires_grad=True)
    assert roc_auc(positive * 1, torch.tensor([1.0, 2.0])) == 1.0


def test_roc_auc_reads_bfloat16_scores():
    positive = torch.tensor([2.0, 4.0], dtype=torch.bfloat16)
    negative = torch.tensor([1.0, 3.0], dtype=torch.bfloat16)
    assert roc_auc(positive, negative) == 0.75
