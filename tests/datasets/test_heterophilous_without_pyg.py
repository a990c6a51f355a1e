"""The archives of the ``heterophilous`` folder load without PyG, as PyG would load them.

Importing ``torch_geometric`` and processing the archive with its
``HeterophilousGraphDataset`` took about 2 CPU s for tolokers, against 0.1 s for
reading the archive with numpy. PyG still reads a processed file that it has written.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from fresh_interpreter import run_graphkit
from graphkit.datasets import GraphTensors, load_dataset
from torch_geometric.data import Data
from torch_geometric.datasets import HeterophilousGraphDataset

FIELDS = ("x", "edge_index", "y", "train_mask", "val_mask", "test_mask")


def write_archive(path) -> None:
    """Write a 6-node archive with an edge in both directions, a self-loop and 10 splits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    masks = np.eye(10, 6, dtype=bool)
    np.savez(
        path,
        node_features=np.arange(12, dtype=np.float32).reshape(6, 2),
        node_labels=np.array([0, 1, 1, 0, 1, 0]),
        edges=np.array([[0, 1], [4, 2], [1, 0], [3, 3], [5, 1]], dtype=np.int64),
        train_masks=masks,
        val_masks=np.roll(masks, 1, axis=1),
        test_masks=np.roll(masks, 2, axis=1),
    )


def test_archive_matches_pyg_tensors(tmp_path):
    write_archive(tmp_path / "ours" / "heterophilous" / "minesweeper" / "raw" / "minesweeper.npz")
    ours = load_dataset("minesweeper", root=tmp_path / "ours", pyg_data=False)
    assert isinstance(ours, GraphTensors)
    assert not (tmp_path / "ours" / "heterophilous" / "minesweeper" / "processed").exists()
    # Each edge appears in both directions, merged and sorted, and the self-loop
    # (3, 3) appears once.
    assert ours.edge_index.tolist() == [[0, 1, 1, 2, 3, 4, 5], [1, 0, 5, 4, 3, 2, 1]]
    reference_root = tmp_path / "pyg"
    shutil.copytree(tmp_path / "ours" / "heterophilous", reference_root)
    reference = HeterophilousGraphDataset(str(reference_root), "minesweeper")[0]
    for field in FIELDS:
        assert ours[field].dtype == reference[field].dtype, field
        assert torch.equal(ours[field], reference[field]), field
    as_data = load_dataset("minesweeper", root=tmp_path / "ours")
    assert isinstance(as_data, Data)


def test_processed_file_is_still_read_by_pyg(tmp_path):
    family = tmp_path / "heterophilous"
    write_archive(family / "minesweeper" / "raw" / "minesweeper.npz")
    HeterophilousGraphDataset(str(family), "minesweeper")  # writes processed/data.pt
    data = load_dataset("minesweeper", root=tmp_path, pyg_data=False)
    assert isinstance(data, Data)


def test_analyze_minesweeper_leaves_pyg_unimported(tmp_path):
    write_archive(tmp_path / "heterophilous" / "minesweeper" / "raw" / "minesweeper.npz")
    result = run_graphkit(["analyze", "--root", str(tmp_path), "--dataset", "minesweeper"])
    assert result.exit_code == 0
    assert "torch_geometric" not in result.imported


@pytest.mark.realdata
def test_tolokers_loads_as_pyg_loads_it(shared_data, tmp_path):
    shutil.copytree(shared_data / "graphs" / "heterophilous" / "tolokers", tmp_path / "tolokers")
    reference = HeterophilousGraphDataset(str(tmp_path), "tolokers")[0]
    ours = load_dataset("tolokers", root=shared_data / "graphs", pyg_data=False)
    assert isinstance(ours, GraphTensors)
    for field in FIELDS:
        assert torch.equal(ours[field], reference[field]), field
