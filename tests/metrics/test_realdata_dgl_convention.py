"""Adjusted homophily and edge label informativeness of the Geom-GCN graphs in DGL's
convention (needs GRAPHKIT_TEST_DATA).

DGL's ``adjusted_homophily`` and ``edge_label_informativeness`` (files
``homophily.py`` and ``label_informativeness.py`` in ``python/dgl``) first call
``dgl.to_bidirected``. Its docstring states that it returns a simple graph with an
edge ``(u, v)`` wherever the input has ``(u, v)`` or ``(v, u)``, so a self-loop stays
once. The Geom-GCN files store self-loops (16 on texas), so DGL's values are those of
``self_loops=True`` here, not of the default.
"""

from __future__ import annotations

import numpy as np
import pytest
from graphkit.datasets import load_dataset

from graphkit.metrics import (
    MeasureOptions,
    adjusted_homophily,
    build_labelled_graph,
    edge_label_informativeness,
)

pytestmark = pytest.mark.realdata


def _dgl_formulas(edge_index: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Compute DGL's adjusted homophily and edge LI with numpy, from their formulas.

    Both directions of every edge are kept once, and a self-loop once. DGL adds 1e-8
    to every joint probability of the edge LI, which is left out here.
    """
    source, target = np.unique(
        np.concatenate([edge_index, edge_index[::-1]], 1), axis=1
    )
    num_classes = int(y.max()) + 1
    degree = np.bincount(target, minlength=y.size).astype(float)
    degree_sums = np.bincount(y, weights=degree, minlength=num_classes)
    chance = (degree_sums**2).sum() / source.size**2
    h_edge = (y[source] == y[target]).mean()
    adjusted = (h_edge - chance) / (1 - chance)

    shares = degree_sums / degree_sums.sum()
    joint = np.zeros((num_classes, num_classes))
    np.add.at(joint, (y[source], y[target]), 1.0)
    joint = joint[joint > 0] / source.size
    informativeness = (
        2
        - (joint * np.log(joint)).sum()
        / (shares[shares > 0] * np.log(shares[shares > 0])).sum()
    )
    return float(adjusted), float(informativeness)


@pytest.mark.parametrize("name", ["texas", "wisconsin", "cornell", "actor"])
def test_self_loops_give_dgl_values(name, shared_data):
    data = load_dataset(name, root=shared_data / "graphs", features=False)
    loops = data.edge_index[0] == data.edge_index[1]
    assert bool(loops.any())
    adjusted, informativeness = _dgl_formulas(data.edge_index.numpy(), data.y.numpy())
    options = MeasureOptions(self_loops=True)
    graph = build_labelled_graph(data.edge_index, data.y, options=options)
    assert adjusted_homophily(graph) == pytest.approx(adjusted, abs=1e-12)
    assert edge_label_informativeness(graph) == pytest.approx(
        informativeness, abs=1e-12
    )


def test_texas_self_loops_change_values(shared_data):
    data = load_dataset("texas", root=shared_data / "graphs", features=False)
    with_loops = build_labelled_graph(
        data.edge_index, data.y, options=MeasureOptions(self_loops=True)
    )
    without_loops = build_labelled_graph(data.edge_index, data.y)
    assert round(adjusted_homophily(with_loops), 4) == -0.2587
    assert round(edge_label_informativeness(with_loops), 4) == 0.1563
    assert round(adjusted_homophily(without_loops), 4) == -0.2936
    assert round(edge_label_informativeness(without_loops), 4) == 0.1923
