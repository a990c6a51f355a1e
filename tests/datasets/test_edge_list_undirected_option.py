"""load_edge_list rejects an ``undirected`` value that is not a bool.

The string "false" is truthy, so without the check it added the reverse edges.
"""

import numpy as np
import pytest
import torch

from graphkit.datasets import load_edge_list


@pytest.mark.parametrize("value", ["false", "no", 0])
def test_non_bool_undirected_rejected(tmp_path, value):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    with pytest.raises(ValueError) as caught:
        load_edge_list(edges, undirected=value)
    assert str(caught.value) == (
        f"undirected must be true or false, got {value!r}. Write it unquoted "
        "(undirected: false) in --dataset-options or a YAML config"
    )


def test_directed_edge_list(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    data = load_edge_list(edges, undirected=False)
    assert torch.equal(data.edge_index, torch.tensor([[0], [1]]))


def test_numpy_bool_undirected(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    data = load_edge_list(edges, undirected=np.bool_(False))
    assert torch.equal(data.edge_index, torch.tensor([[0], [1]]))
