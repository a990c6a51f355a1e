"""Yandex archives whose edge list repeats an edge or lists both directions.

The archives are meant as undirected simple graphs, so both loaders (PyG's layout and
the ``yandex_npz`` folder) return every edge once in each direction.
"""

import numpy as np
import pytest
from graphkit.datasets import load_dataset


def _write_archive(path, edges):
    path.parent.mkdir(parents=True, exist_ok=True)
    masks = np.zeros((10, 4), dtype=bool)
    masks[:, 0] = True
    np.savez(
        path,
        node_features=np.zeros((4, 2), dtype=np.float32),
        node_labels=np.array([0, 1, 0, 1]),
        edges=np.array(edges, dtype=np.int64),
        train_masks=masks,
        val_masks=np.roll(masks, 1, axis=1),
        test_masks=np.roll(masks, 2, axis=1),
    )


@pytest.mark.parametrize("layout", ["heterophilous/tolokers/raw", "yandex_npz"])
def test_repeated_and_reversed_edges_once(tmp_path, layout):
    # (0, 1) three times, once reversed, plus one self-loop and a one-way edge.
    edges = [(0, 1), (1, 0), (0, 1), (2, 2), (2, 3)]
    _write_archive(tmp_path / layout / "tolokers.npz", edges)
    data = load_dataset("tolokers", root=tmp_path, split=0)
    assert data.edge_index.tolist() == [[0, 1, 2, 2, 3], [1, 0, 2, 3, 2]]
