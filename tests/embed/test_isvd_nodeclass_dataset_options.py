"""graphkit isvd nodeclass passes --dataset-options to the loader (edge-list files)."""

import re
import subprocess
import sys

import numpy as np


def _write_graph(folder):
    rng = np.random.default_rng(0)
    n = 60
    labels = np.repeat([0, 1, 2], n // 3)
    edges = []
    for u in range(n):
        for v in rng.choice(np.flatnonzero(labels == labels[u]), 3, replace=False):
            if u != v:
                edges.append((u, v))
    (folder / "edges.txt").write_text("".join(f"{u}\t{v}\n" for u, v in edges))
    features = rng.normal(size=(n, 8)) + labels[:, None]
    (folder / "x.txt").write_text(
        "".join(
            f"{i}\t" + "\t".join(f"{value:.4f}" for value in row) + "\n"
            for i, row in enumerate(features)
        )
    )
    (folder / "y.txt").write_text("".join(f"{i}\t{y}\n" for i, y in enumerate(labels)))


def test_edge_list_through_dataset_options(tmp_path):
    _write_graph(tmp_path)
    options = (
        f"{{path: {tmp_path / 'edges.txt'}, features: {tmp_path / 'x.txt'}, "
        f"labels: {tmp_path / 'y.txt'}}}"
    )
    result = subprocess.run(
        [
            sys.executable, "-m", "graphkit.launch", "isvd", "nodeclass",
            "--dataset", "edge-list", "--dataset-options", options,
            "--hops", "2", "--svd-rank", "4", "--wys-rank", "4", "--pca-dim", "0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    summary = r"dataset edge-list: closed-form test accuracy [0-9.]+ \(validation"
    assert re.search(summary, result.stdout), result.stdout


def test_invalid_dataset_options_named(tmp_path):
    result = subprocess.run(
        [
            sys.executable, "-m", "graphkit.launch", "isvd", "nodeclass",
            "--dataset", "edge-list", "--dataset-options", "5e-1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "expected a mapping like" in result.stderr
