"""Every measure of ``graphkit analyze`` on the real datasets against a plain
scipy/scikit-learn reference written from the published definitions (needs
GRAPHKIT_TEST_DATA).

The reference builds the undirected simple graph without self-loops from the
stored edge index, as Platonov et al. (NeurIPS 2023) and Lim et al. (NeurIPS 2021)
measure it, and shares no code with :mod:`graphkit.metrics`.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from graphkit.datasets import load_dataset
from sklearn.metrics import adjusted_mutual_info_score

from graphkit.metrics import build_labelled_graph, summarize_graph

pytestmark = pytest.mark.realdata

# (name, Geom-GCN source, nodes, undirected edges without self-loops, classes)
DATASETS = [
    ("cora", None, 2708, 5278, 7),
    ("citeseer", None, 3327, 4552, 6),
    ("pubmed", None, 19717, 44324, 3),
    ("cornell", None, 183, 277, 5),
    ("texas", None, 183, 279, 5),
    ("wisconsin", None, 251, 450, 5),
    ("actor", None, 7600, 26659, 5),
    ("chameleon", None, 2277, 31371, 5),
    ("squirrel", None, 5201, 198353, 5),
    ("chameleon-filtered", None, 890, 8854, 5),
    ("squirrel-filtered", None, 2223, 46998, 5),
    ("minesweeper", None, 10000, 39402, 2),
    ("tolokers", None, 11758, 519000, 2),
    ("cornell", "yandex", 183, 277, 5),
]


def _entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def _mutual_information_ratio(joint: np.ndarray) -> float:
    """I(row; column) / H(row) of a joint table, over its own marginals."""
    joint = joint / joint.sum()
    rows, cols = joint.sum(axis=1), joint.sum(axis=0)
    nonzero = joint > 0
    outer = np.outer(rows, cols)
    info = (joint[nonzero] * np.log(joint[nonzero] / outer[nonzero])).sum()
    return float(info / _entropy(rows))


def _reference(edge_index: np.ndarray, y: np.ndarray) -> dict[str, float]:
    n = y.shape[0]
    num_classes = int(y.max()) + 1
    keep = edge_index[0] != edge_index[1]
    ones = np.ones(int(keep.sum()))
    adjacency = sp.coo_matrix((ones, (edge_index[0][keep], edge_index[1][keep])), (n, n))
    adjacency = ((adjacency + adjacency.T) > 0).astype(float).tocsr()
    rows, cols = adjacency.nonzero()
    same = y[rows] == y[cols]
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    has_neighbour = degree > 0

    same_per_node = np.bincount(rows, weights=same, minlength=n)
    h_node = (same_per_node[has_neighbour] / degree[has_neighbour]).mean()

    # Lim et al.: h_k over the edge ends of class k, p_k over all nodes.
    degree_sums = np.bincount(y, weights=degree, minlength=num_classes)
    same_sums = np.bincount(y[rows], weights=same, minlength=num_classes)
    h_k = same_sums / np.maximum(degree_sums, 1)
    p_k = np.bincount(y, minlength=num_classes) / n
    h_class = np.clip(h_k - p_k, 0, None).sum() / (num_classes - 1)

    # Platonov et al.: chance agreement from the degree-weighted class shares.
    chance = ((degree_sums / degree_sums.sum()) ** 2).sum()
    h_adj = (same.mean() - chance) / (1 - chance)

    edge_joint = np.zeros((num_classes, num_classes))
    np.add.at(edge_joint, (y[rows], y[cols]), 1.0)
    node_joint = np.zeros((num_classes, num_classes))
    np.add.at(node_joint, (y[rows], y[cols]), 1.0 / degree[rows])

    # NIC: neighbour class fractions rounded half up to tenths, then the adjusted
    # mutual information with H(Y) as the upper bound.
    counts = adjacency @ np.eye(num_classes)[y]
    fractions = counts[has_neighbour] / degree[has_neighbour, None]
    levels = np.floor(10 * fractions + 0.5).astype(np.int64)
    _, symbols = np.unique(levels, axis=0, return_inverse=True)
    labels = y[has_neighbour]
    symbol_entropy = _entropy(np.bincount(symbols.ravel()) / labels.size)
    assert symbol_entropy >= _entropy(np.bincount(labels) / labels.size)
    nic = adjusted_mutual_info_score(labels, symbols.ravel(), average_method="min")
    return {
        "num_edges": rows.size // 2,
        "edge_homophily": same.mean(),
        "node_homophily": h_node,
        "class_insensitive_homophily": h_class,
        "adjusted_homophily": h_adj,
        "edge_label_informativeness": _mutual_information_ratio(edge_joint),
        "node_label_informativeness": _mutual_information_ratio(node_joint),
        "nic": nic,
    }


@pytest.mark.parametrize("name, source, nodes, edges, classes", DATASETS)
def test_measures_match_reference(name, source, nodes, edges, classes, shared_data):
    kwargs = {} if source is None else {"source": source}
    data = load_dataset(name, root=shared_data / "graphs", features=False, **kwargs)
    summary = summarize_graph(build_labelled_graph(data.edge_index, data.y), name=name)
    assert summary.num_nodes == nodes
    assert summary.num_edges == edges
    assert summary.num_classes == classes
    expected = _reference(data.edge_index.numpy(), data.y.numpy())
    assert expected["num_edges"] == edges
    for key, value in expected.items():
        if key != "num_edges":
            assert summary.measures[key] == pytest.approx(value, abs=1e-9), key


# (name, split column or None for the public split, mask): the nodes that
# ``graphkit analyze --nodes train/val/test`` counts.
MASKED = [
    ("cora", None, "test_mask"),
    ("citeseer", None, "test_mask"),
    ("texas", 0, "test_mask"),
    ("chameleon", 0, "train_mask"),
    ("tolokers", 3, "val_mask"),
]


@pytest.mark.parametrize("name, split, mask_name", MASKED)
def test_masked_measures_match_subgraph(name, split, mask_name, shared_data):
    """A node mask gives the reference values of the subgraph induced by its nodes."""
    kwargs = {} if split is None else {"split": split}
    data = load_dataset(name, root=shared_data / "graphs", features=False, **kwargs)
    mask = data[mask_name]
    graph = build_labelled_graph(data.edge_index, data.y, node_mask=mask)
    summary = summarize_graph(graph, name=name)

    edge_index, keep_nodes = data.edge_index.numpy(), mask.numpy()
    keep_edges = keep_nodes[edge_index[0]] & keep_nodes[edge_index[1]]
    new_ids = np.full(keep_nodes.size, -1, dtype=np.int64)
    new_ids[keep_nodes] = np.arange(int(keep_nodes.sum()))
    labels = data.y.numpy()[keep_nodes]
    expected = _reference(new_ids[edge_index[:, keep_edges]], labels)

    assert summary.num_counted_nodes == int(keep_nodes.sum())
    assert summary.num_edges == expected["num_edges"]
    # Every class occurs among the masked nodes, so both sides use the same C.
    assert summary.num_classes == int(labels.max()) + 1
    for key, value in expected.items():
        if key != "num_edges":
            assert summary.measures[key] == pytest.approx(value, abs=1e-9), key
