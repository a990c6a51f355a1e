"""The link-prediction pair helpers reject ids whose pair keys would collide."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed.linkpred import roc_auc, sample_non_edges, unique_undirected_edges


def test_out_of_range_id_rejected():
    # With 3 nodes, (0, 4) and (1, 1) both have the key 0 * 3 + 4 = 1 * 3 + 1 = 4,
    # so without the check one of the two edges would be dropped as a repeat.
    edges = torch.tensor([[0, 1], [4, 1]])
    with pytest.raises(ValueError, match=r"ids in \[0, 3\), found 4"):
        unique_undirected_edges(edges, 3)
    with pytest.raises(ValueError, match=r"ids in \[0, 3\), found 4"):
        sample_non_edges(edges, 3, 1, torch.Generator().manual_seed(0))


def test_float_edges_rejected():
    with pytest.raises(TypeError, match=r"integer dtype"):
        unique_undirected_edges(torch.tensor([[0.0, 1.0], [1.0, 0.0]]), 2)


def test_valid_edges_deduplicated():
    edges = torch.tensor([[0, 1, 2, 1], [1, 0, 1, 2]])
    assert unique_undirected_edges(edges, 3).tolist() == [[0, 2], [1, 1]]


def test_complex_scores_rejected():
    # Ranked by their real parts, 0.4 + 1j would lose to 0.5.
    with pytest.raises(TypeError, match=r"ROC-AUC ranks real scores"):
        roc_auc(torch.tensor([0.4 + 1j]), torch.tensor([0.5 + 0j]))
