"""Planetoid features load without PyG and equal those of PyG's ``read_planetoid_data``.

Going through PyG's ``Planetoid`` class costs the import of ``torch_geometric``: about
2.2 CPU s for ``graphkit isvd nodeclass`` and 0.7 CPU s for ``graphkit train`` on cora
(``benchmarks/planetoid_loading.py``).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from fresh_interpreter import run_graphkit
from graphkit.datasets import GraphTensors, load_dataset
from graphkit.datasets.planetoid import read_planetoid
from torch_geometric.datasets import Planetoid
from torch_geometric.io.planetoid import read_planetoid_data

FIELDS = ("x", "edge_index", "y", "train_mask", "val_mask", "test_mask")


def write_tiny_citeseer(folder) -> None:
    """Write 506 nodes with features, test ids 505, 502, 503 and no row for node 504.

    Training rows are nodes 0 and 1 and ``allx`` covers nodes 0..501, whose only feature
    is their id in column 0. ``tx`` row i contains 1000 + i in column 1, and belongs to the
    i-th smallest test id. Feature matrices are scipy CSR, as in the released files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    allx = np.zeros((502, 2), np.float32)
    allx[:, 0] = np.arange(502)
    tx = np.array([[0, 1000], [0, 1001], [0, 1002]], np.float32)
    labels = np.eye(3, dtype=np.float32)
    arrays = {
        "x": sp.csr_matrix(allx[:2]),
        "allx": sp.csr_matrix(allx),
        "tx": sp.csr_matrix(tx),
        "y": labels[[0, 1]],
        "ally": labels[np.arange(502) % 3],
        "ty": labels[[2, 1, 0]],
        "graph": {0: [1], 1: [0], 503: [504], 504: [503]},
    }
    for kind, value in arrays.items():
        with (folder / f"ind.citeseer.{kind}").open("wb") as handle:
            pickle.dump(value, handle)
    (folder / "ind.citeseer.test.index").write_text("505\n502\n503\n")


def test_tiny_features_hand_values(tmp_path):
    write_tiny_citeseer(tmp_path)
    tensors = read_planetoid(tmp_path, "citeseer")
    assert tensors.x.dtype == torch.float32
    assert tensors.x.shape == (506, 2)
    assert tensors.x[:502, 0].tolist() == list(range(502))
    # Sorted test ids 502, 503, 505 get tx rows 0, 1, 2. Then the rows move to the file
    # order: 505 <- 502, 502 <- 503, 503 <- 505. Node 504 has no row and keeps zeros.
    assert tensors.x[502:].tolist() == [[0, 1001], [0, 1002], [0, 0], [0, 1000]]
    assert tensors.y[502:].tolist() == [1, 0, 0, 2]


def test_tiny_features_match_pyg_reader(tmp_path):
    write_tiny_citeseer(tmp_path)
    tensors = read_planetoid(tmp_path, "citeseer")
    data = read_planetoid_data(str(tmp_path), "citeseer")
    for field in FIELDS:
        assert tensors[field].dtype == data[field].dtype, field
        assert torch.equal(tensors[field], data[field]), field


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "folder"), [("cora", "Cora"), ("citeseer", "CiteSeer")])
def test_real_planetoid_matches_pyg_dataset(shared_data, data_copy, name, folder):
    data = Planetoid(str(data_copy("graphs/planetoid")), folder, split="public")[0]
    tensors = load_dataset(name, root=shared_data / "graphs", pyg_data=False)
    assert isinstance(tensors, GraphTensors)
    for field in FIELDS:
        assert torch.equal(tensors[field], data[field]), field


@pytest.mark.realdata
def test_train_cora_leaves_pyg_unimported(shared_data):
    root = str(shared_data / "graphs")
    result = run_graphkit(["train", "--dataset", "cora", "--root", root, "--epochs", "1"])
    assert result.exit_code == 0
    assert "torch_geometric" not in result.imported


@pytest.mark.realdata
def test_isvd_nodeclass_cora_leaves_pyg_unimported(shared_data):
    root = str(shared_data / "graphs")
    arguments = ["isvd", "nodeclass", "--dataset", "cora", "--root", root, "--pca-dim", "0"]
    result = run_graphkit(arguments)
    assert result.exit_code == 0
    assert "torch_geometric" not in result.imported
    assert result.output[-2].startswith("dataset cora: closed-form test accuracy")
