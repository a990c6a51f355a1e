"""An [E, 2] edge list passed to the graph measures gets an error with the transpose."""

from __future__ import annotations

import pytest
import torch

from graphkit.metrics import edge_homophily

Y = torch.tensor([0, 1, 1])


def test_rows_of_pairs_name_transpose():
    # Three edges stored one per row, shape [3, 2], as read from a CSV file.
    rows = torch.tensor([[0, 1], [1, 2], [2, 0]])
    with pytest.raises(ValueError) as error:
        edge_homophily(rows, Y)
    assert "got (3, 2)" in str(error.value)
    assert "Transpose it with edge_index.t()" in str(error.value)
    # The transposed tensor is accepted: only edge 1-2 joins one class, h = 1/3.
    assert edge_homophily(rows.t(), Y) == pytest.approx(1 / 3)


def test_other_shapes_get_no_transpose_hint():
    with pytest.raises(ValueError) as error:
        edge_homophily(torch.zeros(3, 4, dtype=torch.long), Y)
    assert "got (3, 4)" in str(error.value)
    assert "Transpose" not in str(error.value)
