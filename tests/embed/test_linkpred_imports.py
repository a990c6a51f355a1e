"""``graphkit isvd linkpred`` runs without importing torch_geometric or scikit-learn.

Importing ``torch_geometric`` costs about 1.3 CPU s and ``sklearn.metrics`` about 1 CPU s
(torch 2.13, PyG 2.8.1), more than the SVD of the smaller AsymProj graphs. The loader
returns a ``GraphTensors`` to the command, and the ROC-AUC is computed from ranks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from fresh_interpreter import run_python
from graphkit.datasets import GraphTensors, load_asymproj

from graphkit.embed.linkpred import roc_auc

COMMAND = """
import sys
from graphkit.launch.cli import run

code = run(sys.argv[1:])
print("exit", code, "imported", *[
    name for name in ("torch_geometric", "sklearn") if name in sys.modules
])
"""


def write_ring(folder) -> None:
    """Write a 12-node ring split: 10 training edges, 2 test edges, 2 negative pairs."""
    folder.mkdir(parents=True)
    ring = [[i, (i + 1) % 12] for i in range(12)]
    arrays = {
        "train.txt.npy": ring[:10],
        "test.txt.npy": ring[10:],
        "test.neg.txt.npy": [[0, 6], [3, 9]],
    }
    for name, pairs in arrays.items():
        np.save(folder / name, np.asarray(pairs, dtype=np.int32))


def test_linkpred_skips_pyg_and_sklearn(tmp_path):
    write_ring(tmp_path / "asymproj" / "ppi")
    arguments = ["isvd", "linkpred", "--dataset", "ppi", "--root", str(tmp_path)]
    *output, report = run_python(COMMAND, *arguments, "--rank", "2")
    assert report == "exit 0 imported"
    assert output[0].startswith("dataset ppi: rank 2, test ROC-AUC ")


def test_loader_tensors_match_pyg(tmp_path):
    write_ring(tmp_path / "ppi")
    plain = load_asymproj("ppi", tmp_path, pyg_data=False)
    pyg = load_asymproj("ppi", tmp_path)
    assert isinstance(plain, GraphTensors)
    assert plain.num_nodes == pyg.num_nodes == 12
    assert plain.name == pyg.name == "ppi"
    for key in ("edge_index", "train_pos_edge_index", "test_pos_edge_index",
                "test_neg_edge_index"):
        assert torch.equal(plain[key], pyg[key])


def pairwise_auc(positive: list[float], negative: list[float]) -> float:
    """Count every (positive, negative) pair: 1 if ordered, 1/2 if tied."""
    wins = 0.0
    for p in positive:
        for n in negative:
            if p > n:
                wins += 1.0
            elif p == n:
                wins += 0.5
    return wins / (len(positive) * len(negative))


def test_roc_auc_hand_values_with_ties():
    # Pairs: 0.9 beats both; 0.5 ties 0.5 and beats 0.1; 0.1 ties 0.1 -> 4 / 6.
    assert roc_auc(torch.tensor([0.9, 0.5, 0.1]), torch.tensor([0.5, 0.1])) == 4 / 6
    assert roc_auc(torch.tensor([-math.inf]), torch.tensor([-1.0, math.inf])) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_roc_auc_matches_pairwise_count(seed):
    generator = torch.Generator().manual_seed(seed)
    # Few distinct values, so many scores tie across and within the two sets.
    positive = torch.randint(0, 7, (40,), generator=generator).float() / 4
    negative = torch.randint(0, 7, (31,), generator=generator).float() / 4
    expected = pairwise_auc(positive.tolist(), negative.tolist())
    assert roc_auc(positive, negative) == expected


def test_roc_auc_names_nan_scores():
    with pytest.raises(ValueError, match=r"1 of the 3 negative scores are NaN .*index 2"):
        roc_auc(torch.tensor([1.0]), torch.tensor([0.0, 2.0, math.nan]))
