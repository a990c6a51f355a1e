"""AsymProj splits: the node count covers every id of the three pair files."""

import numpy as np
from graphkit.datasets.asymproj import ASYMPROJ_FILES, load_asymproj


def test_num_nodes_counts_negative_pair_ids(tmp_path):
    # Node 9 occurs only in a negative pair, which a model still scores.
    pairs = {
        "train.txt.npy": [[0, 1], [1, 2]],
        "test.txt.npy": [[2, 3]],
        "test.neg.txt.npy": [[0, 9]],
    }
    for name in ASYMPROJ_FILES:
        np.save(tmp_path / name, np.asarray(pairs[name], dtype=np.int32))
    data = load_asymproj("ppi", root=tmp_path)
    assert data.num_nodes == 10
    assert data.test_neg_edge_index.tolist() == [[0], [9]]
