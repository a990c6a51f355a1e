"""Fixtures for the dataset tests: a private cache folder and tiny raw folders on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

# A 4-node WebKB-format graph: features are 3 binary values, labels 0..2.
TINY_NODES = [
    (0, [1, 0, 0], 0),
    (1, [0, 1, 0], 1),
    (2, [0, 0, 1], 2),
    (3, [1, 1, 0], 0),
]
TINY_EDGES = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 1)]


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch) -> Path:
    """Point ``GRAPHKIT_CACHE`` at a per-test folder, so no test touches ``~/.cache``."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("GRAPHKIT_CACHE", str(cache))
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    return cache


def write_tiny_webkb(folder: Path, name: str = "texas") -> Path:
    """Write a WebKB-format raw folder ``folder/webkb/<name>/raw`` and return ``folder``."""
    raw = folder / "webkb" / name / "raw"
    raw.mkdir(parents=True)
    lines = ["node_id\tfeature\tlabel"]
    lines += [f"{i}\t{','.join(map(str, x))}\t{y}" for i, x, y in TINY_NODES]
    (raw / "out1_node_feature_label.txt").write_text("\n".join(lines) + "\n")
    edges = ["node_id\tnode_id"] + [f"{u}\t{v}" for u, v in TINY_EDGES]
    (raw / "out1_graph_edges.txt").write_text("\n".join(edges) + "\n")
    for k in range(10):
        train = np.zeros(4, dtype=bool)
        train[k % 4] = True
        val = np.roll(train, 1)
        test = ~(train | val)
        np.savez(
            raw / f"{name}_split_0.6_0.2_{k}.npz",
            train_mask=train,
            val_mask=val,
            test_mask=test,
        )
    return folder


@pytest.fixture
def tiny_webkb(tmp_path) -> Path:
    """A data root holding the tiny graph as ``webkb/texas``."""
    return write_tiny_webkb(tmp_path / "graphs")


def list_tree(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture
def snapshot():
    """Return a function listing every path under a folder (to check nothing was written)."""
    return list_tree


def _chmod_tree(folder: Path, directory_mode: int, file_mode: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(directory_mode if path.is_dir() else file_mode)


@pytest.fixture
def read_only():
    """Return a function that makes a folder read-only (mode 0555/0444) until teardown."""
    folders: list[Path] = []

    def make(folder: Path) -> Path:
        _chmod_tree(folder, 0o555, 0o444)
        folders.append(folder)
        return folder

    yield make
    for folder in folders:
        _chmod_tree(folder, 0o755, 0o644)
