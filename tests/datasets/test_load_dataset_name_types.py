"""load_dataset takes a Path as well as a str, and rejects a name of another type.

synthetic_csbm rejects an infinite feature_signal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from graphkit.datasets import load_dataset, synthetic_csbm


def test_path_object_loads_edge_list(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n")
    from_str = load_dataset(str(edges))
    from_path = load_dataset(Path(edges))
    assert from_path.num_nodes == 3
    assert torch.equal(from_path.edge_index, from_str.edge_index)


@pytest.mark.parametrize("name", [None, 3])
def test_name_of_other_type_rejected(name):
    with pytest.raises(TypeError) as error:
        load_dataset(name)
    assert str(error.value).startswith(
        "name must be a dataset name such as 'cora' or the path of an edge-list file, "
        f"got {name!r} of type {type(name).__name__}"
    )


def test_infinite_feature_signal_rejected():
    with pytest.raises(
        ValueError, match="feature_signal must be finite and non-negative, got inf"
    ):
        synthetic_csbm(
            num_nodes=20, num_classes=2, avg_degree=2, feature_signal=float("inf")
        )
