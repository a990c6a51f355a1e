"""SparseMatrix.from_edge_index checks its edge list before building the matrix."""

from __future__ import annotations

import pytest
import torch

from graphkit.embed import SparseMatrix

EDGE_INDEX = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 2]])


def test_int32_edges_build_matrix():
    matrix = SparseMatrix.from_edge_index(EDGE_INDEX.int(), 3).to_dense()
    expected = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    assert torch.equal(matrix, expected)


def test_float_edges_rejected():
    with pytest.raises(TypeError, match="edge_index must have an integer dtype"):
        SparseMatrix.from_edge_index(EDGE_INDEX.float() + 0.5, 3)


def test_transposed_edges_rejected():
    with pytest.raises(ValueError, match=r"shape \[2, E\], got \[4, 2\]. Transpose"):
        SparseMatrix.from_edge_index(EDGE_INDEX.t(), 3)


@pytest.mark.parametrize("shift, found", [(1, 3), (-1, -1)])
def test_out_of_range_ids_rejected(shift, found):
    with pytest.raises(ValueError, match=rf"node ids in \[0, 3\), found {found}"):
        SparseMatrix.from_edge_index(EDGE_INDEX + shift, 3)


def test_edge_weight_length_checked():
    with pytest.raises(
        ValueError, match="edge_weight has 3 entries but edge_index has 4"
    ):
        SparseMatrix.from_edge_index(EDGE_INDEX, 3, edge_weight=torch.ones(3))
