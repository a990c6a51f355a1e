"""The CSBM generator: determinism, structure, homophily, degree, features."""

from __future__ import annotations

import pytest
import torch
from graphkit.datasets import (
    SYNTHETIC_DEFAULTS,
    CSBMConfig,
    load_dataset,
    synthetic_csbm,
)
from torch_geometric.utils import coalesce, is_undirected


@pytest.fixture(scope="module")
def default_graph():
    return synthetic_csbm()


def edge_homophily(data) -> float:
    row, col = data.edge_index
    return (data.y[row] == data.y[col]).float().mean().item()


def test_same_seed_same_graph():
    first = synthetic_csbm(num_nodes=2000, seed=3)
    second = synthetic_csbm(num_nodes=2000, seed=3)
    for key in ("x", "edge_index", "y", "train_mask", "val_mask", "test_mask"):
        assert torch.equal(first[key], second[key]), key


def test_other_seed_other_graph():
    first = synthetic_csbm(num_nodes=2000, seed=3)
    second = synthetic_csbm(num_nodes=2000, seed=4)
    assert not torch.equal(first.y, second.y)
    assert first.edge_index.shape != second.edge_index.shape or not torch.equal(
        first.edge_index, second.edge_index
    )


def test_default_graph_shape(default_graph):
    config = SYNTHETIC_DEFAULTS
    assert default_graph.num_nodes == config.num_nodes
    assert default_graph.x.shape == (config.num_nodes, config.num_features)
    assert default_graph.num_classes == config.num_classes
    assert torch.bincount(default_graph.y).tolist() == [2000] * 10


def test_undirected_simple_graph(default_graph):
    edge_index = default_graph.edge_index
    assert is_undirected(edge_index)
    assert int((edge_index[0] == edge_index[1]).sum()) == 0
    assert torch.equal(
        coalesce(edge_index, num_nodes=default_graph.num_nodes), edge_index
    )


@pytest.mark.parametrize("homophily", [0.0, 0.2, 0.7, 1.0])
def test_homophily_close_to_requested(homophily):
    data = synthetic_csbm(
        num_nodes=10_000, num_classes=5, avg_degree=8, homophily=homophily
    )
    assert abs(edge_homophily(data) - homophily) < 0.015


def test_heterophilous_edges_spread_evenly():
    # With homophily 0 a class-k node links to each of the other 3 classes with
    # probability 1/3. About 10,000 edge ends per class (39,930 directed edges in all)
    # give a standard deviation of about 0.005 on each fraction.
    data = synthetic_csbm(
        num_nodes=4_000, num_classes=4, avg_degree=10, homophily=0.0, num_features=2
    )
    row, col = data.edge_index
    pairs = torch.bincount(data.y[row] * 4 + data.y[col], minlength=16).view(4, 4)
    fractions = pairs.double() / pairs.sum(dim=1, keepdim=True)
    assert fractions.diagonal().tolist() == [0.0] * 4
    other = ~torch.eye(4, dtype=torch.bool)
    assert (fractions[other] - 1 / 3).abs().max() < 0.03, fractions


@pytest.mark.parametrize("avg_degree", [4.0, 20.0])
def test_degree_close_to_requested(avg_degree):
    data = synthetic_csbm(num_nodes=10_000, avg_degree=avg_degree)
    mean_degree = data.edge_index.size(1) / data.num_nodes
    assert abs(mean_degree - avg_degree) / avg_degree < 0.01


def test_masks_partition_nodes(default_graph):
    masks = [default_graph.train_mask, default_graph.val_mask, default_graph.test_mask]
    assert (sum(mask.int() for mask in masks) == 1).all()
    assert int(masks[0].sum()) == 10_000
    assert int(masks[1].sum()) == 5_000


def test_feature_signal_sets_mean_distance():
    data = synthetic_csbm(
        num_nodes=20_000, num_classes=4, num_features=16, feature_signal=3.0
    )
    for c in range(4):
        class_mean = data.x[data.y == c].mean(dim=0)
        # The class mean lies at distance s = 3 from the origin, up to sampling noise
        # of size sqrt(F / class size) = sqrt(16 / 5000) ~ 0.06.
        assert abs(class_mean.norm().item() - 3.0) < 0.15


def test_zero_signal_features_are_noise():
    data = synthetic_csbm(
        num_nodes=20_000, num_classes=4, num_features=16, feature_signal=0.0
    )
    assert data.x.mean(dim=0).abs().max().item() < 0.05
    assert abs(data.x.std().item() - 1.0) < 0.02


def test_neighbours_help_nearest_mean_classifier(default_graph):
    """On the default graph, averaging over neighbours makes classes far easier to tell.

    A nearest-class-mean classifier (means from training nodes) on the features alone is
    compared with the same classifier on the mean of the features of each node and its
    neighbours (one step of mean aggregation): the graph must add at least 25 points of
    accuracy.
    """
    data = default_graph
    row, col = data.edge_index
    degree = torch.bincount(row, minlength=data.num_nodes).unsqueeze(1)
    smoothed = data.x.clone().index_add_(0, row, data.x[col]) / (degree + 1)

    def accuracy(features):
        train = data.train_mask
        means = torch.stack(
            [features[train & (data.y == c)].mean(0) for c in range(10)]
        )
        predicted = torch.cdist(features[data.test_mask], means).argmin(dim=1)
        return (predicted == data.y[data.test_mask]).float().mean().item()

    assert accuracy(smoothed) > accuracy(data.x) + 0.25


def test_load_dataset_synthetic_arguments():
    data = load_dataset(
        "synthetic", num_nodes=500, num_classes=3, num_features=8, seed=1
    )
    assert data.x.shape == (500, 8)
    assert data.num_classes == 3
    assert torch.equal(
        data.edge_index, synthetic_csbm(500, 3, num_features=8, seed=1).edge_index
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("num_classes", 1, "num_classes must be at least 2"),
        ("homophily", 1.5, r"homophily must be in \[0, 1\]"),
        ("avg_degree", 20_000.0, "avg_degree must be in"),
        ("num_features", 0, "num_features must be at least 1"),
    ],
)
def test_invalid_config(field, value, message):
    with pytest.raises(ValueError, match=message):
        CSBMConfig(**{field: value})


@pytest.mark.slow
def test_million_node_graph_structure():
    """The 1M-node, 20M-edge graph of docs/benchmarks.md: counts and homophily."""
    data = synthetic_csbm(num_nodes=1_000_000, avg_degree=20, num_features=8)
    mean_degree = data.edge_index.size(1) / data.num_nodes
    assert abs(mean_degree - 20) < 0.05
    assert abs(edge_homophily(data) - 0.7) < 0.002
    assert int((data.edge_index[0] == data.edge_index[1]).sum()) == 0
    assert is_undirected(data.edge_index)


@pytest.mark.slow
def test_default_graph_gnn_beats_mlp(default_graph):
    """A 2-layer GCN (PyG's GCNConv) beats a 2-layer MLP by far on the default graph."""
    import torch.nn.functional as F
    from torch_geometric.nn import GCNConv

    data = default_graph
    width, classes = data.x.size(1), data.num_classes

    class TwoLayer(torch.nn.Module):
        def __init__(self, graph: bool) -> None:
            super().__init__()
            self.graph = graph
            if graph:
                self.first, self.second = GCNConv(width, 64), GCNConv(64, classes)
            else:
                self.first, self.second = (
                    torch.nn.Linear(width, 64),
                    torch.nn.Linear(64, classes),
                )

        def forward(self, x, edge_index):
            args = (edge_index,) if self.graph else ()
            hidden = F.dropout(F.relu(self.first(x, *args)), 0.5, self.training)
            return self.second(hidden, *args)

    def train_and_score(graph: bool) -> float:
        torch.manual_seed(0)
        model = TwoLayer(graph)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
        for _ in range(60):
            model.train()
            optimizer.zero_grad()
            out = model(data.x, data.edge_index)
            F.cross_entropy(out[data.train_mask], data.y[data.train_mask]).backward()
            optimizer.step()
        model.eval()
        predicted = model(data.x, data.edge_index).argmax(dim=1)
        return (
            (predicted[data.test_mask] == data.y[data.test_mask]).float().mean().item()
        )

    gcn, mlp = train_and_score(True), train_and_score(False)
    assert gcn > 0.85
    assert gcn > mlp + 0.3
