"""Published values and PyG agreement on the real datasets (needs GRAPHKIT_TEST_DATA)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch_geometric.datasets import (
    Actor,
    HeterophilousGraphDataset,
    Planetoid,
    WebKB,
)
from torch_geometric.utils import homophily as pyg_homophily

from graphkit.metrics import (
    MeasureOptions,
    adjusted_homophily,
    build_labelled_graph,
    class_insensitive_homophily,
    edge_homophily,
    edge_label_informativeness,
    node_homophily,
)

pytestmark = pytest.mark.realdata

YANDEX_NPZ = (
    "chameleon",
    "squirrel",
    "chameleon_filtered",
    "squirrel_filtered",
    "actor",
    "cornell",
    "texas",
    "wisconsin",
)


def _load(name: str, data_copy):
    """Return ``(edge_index, y)`` of one dataset, read from a writable copy."""
    if name in ("Cora", "CiteSeer"):
        data = Planetoid(data_copy(f"graphs/planetoid/{name}").parent, name)[0]
    elif name in ("cornell", "texas", "wisconsin"):
        data = WebKB(data_copy(f"graphs/webkb/{name}").parent, name)[0]
    elif name == "actor":
        data = Actor(data_copy("graphs/actor"))[0]
    elif name in ("minesweeper", "tolokers"):
        folder = data_copy(f"graphs/heterophilous/{name}")
        data = HeterophilousGraphDataset(folder.parent, name)[0]
    else:  # a yandex_npz file: each undirected edge stored once
        arrays = np.load(data_copy("graphs/yandex_npz") / f"{name.split(':')[1]}.npz")
        edges = torch.from_numpy(arrays["edges"]).t()
        return torch.cat([edges, edges.flip(0)], dim=1), torch.from_numpy(
            arrays["node_labels"]
        )
    return data.edge_index, data.y


DATASETS = [
    "Cora",
    "CiteSeer",
    "cornell",
    "texas",
    "wisconsin",
    "actor",
    "minesweeper",
    "tolokers",
] + [f"yandex:{name}" for name in YANDEX_NPZ]


@pytest.mark.parametrize("name", DATASETS)
def test_pyg_homophily_agrees(name, data_copy):
    edge_index, y = _load(name, data_copy)
    # PyG reads edge_index as stored (directed, loops kept) and sums in float32.
    stored = MeasureOptions(directed=True, self_loops=True, isolated="zero")
    graph = build_labelled_graph(edge_index, y, options=stored)
    assert torch.stack([graph.src, graph.dst]).shape[1] == edge_index.shape[1]
    for method, measure in (
        ("edge", edge_homophily),
        ("node", node_homophily),
        ("edge_insensitive", class_insensitive_homophily),
    ):
        expected = pyg_homophily(edge_index, y, method=method)
        assert measure(graph) == pytest.approx(expected, abs=1e-6), method
    # Undirected, loops removed: PyG on the edge index this package builds.
    graph = build_labelled_graph(edge_index, y, options=MeasureOptions(isolated="zero"))
    built = torch.stack([graph.src, graph.dst])
    for method, measure in (
        ("edge", edge_homophily),
        ("node", node_homophily),
        ("edge_insensitive", class_insensitive_homophily),
    ):
        expected = pyg_homophily(built, y, method=method)
        assert measure(graph) == pytest.approx(expected, abs=1e-6), method


@pytest.mark.parametrize(
    "name, h_edge, h_adj, li",
    [("minesweeper", 0.68, 0.01, 0.00), ("tolokers", 0.59, 0.09, 0.01)],
)
def test_platonov_published_values(name, h_edge, h_adj, li, data_copy):
    """Two-decimal values of Platonov et al. (ICLR 2023), undirected, no self-loops."""
    edge_index, y = _load(name, data_copy)
    graph = build_labelled_graph(edge_index, y)
    assert round(edge_homophily(graph), 2) == h_edge
    assert round(adjusted_homophily(graph), 2) == h_adj
    assert round(edge_label_informativeness(graph), 2) == li


def test_cora_published_values(data_copy):
    edge_index, y = _load("Cora", data_copy)
    graph = build_labelled_graph(edge_index, y)
    assert graph.src.numel() == 2 * 5278
    assert round(edge_homophily(graph), 3) == 0.810
    assert round(adjusted_homophily(graph), 3) == 0.771


def test_cornell_copies_differ(data_copy):
    """geom-gcn's Cornell file carries Texas's labels, the yandex copy its own."""
    _, y_geom = _load("cornell", data_copy)
    _, y_yandex = _load("yandex:cornell", data_copy)
    assert torch.bincount(y_geom).tolist() == [33, 1, 18, 101, 30]
    assert torch.bincount(y_yandex).tolist() == [38, 16, 30, 82, 17]
