"""partition_payloads rejects partition vectors that would drop nodes or fields."""

from __future__ import annotations

import pytest
import torch
from graphkit.distributed import partition_payloads, relabel
from torch_geometric.data import Data

DATA = Data(
    x=torch.arange(10.0).view(5, 2),
    edge_index=torch.tensor([[0, 1, 1, 2, 3], [1, 0, 2, 1, 0]]),
)


def _payloads(parts, num_parts: int = 2) -> list[dict]:
    return [payload for _, payload in partition_payloads(DATA, parts, num_parts)]


def test_valid_vector_keeps_every_node():
    payloads = _payloads(torch.tensor([0, 0, 1, 1, 1], dtype=torch.int32))
    assert payloads[0]["node_ranges"].tolist() == [0, 2, 5]
    assert payloads[1]["x"].tolist() == [[4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]


@pytest.mark.parametrize("length", [4, 6])
def test_wrong_length_rejected(length):
    parts = torch.zeros(length, dtype=torch.long)
    with pytest.raises(
        ValueError, match=f"parts has {length} entries but the graph has 5"
    ):
        _payloads(parts)


@pytest.mark.parametrize("bad_id", [2, -1])
def test_out_of_range_id_rejected(bad_id):
    parts = torch.tensor([0, 0, 1, 1, bad_id])
    with pytest.raises(
        ValueError, match=rf"parts must lie in \[0, 2\), found {bad_id}"
    ):
        _payloads(parts)


def test_float_vector_rejected():
    with pytest.raises(
        TypeError, match="parts must have an integer dtype, got torch.float32"
    ):
        _payloads(torch.tensor([0.0, 0.0, 1.0, 1.0, 1.0]))


def test_list_vector_rejected():
    with pytest.raises(TypeError, match="parts must be a 1-D torch.Tensor, got list"):
        _payloads([0, 0, 1, 1, 1])


def test_zero_parts_rejected():
    with pytest.raises(ValueError, match="num_parts must be at least 1, got 0"):
        _payloads(torch.zeros(5, dtype=torch.long), num_parts=0)


def test_relabel_checks_range():
    with pytest.raises(ValueError, match=r"parts must lie in \[0, 2\), found 3"):
        relabel(torch.tensor([0, 3]), 2)
