"""Partition payloads reject node and edge fields with the wrong number of rows."""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed import partition_payloads

EDGES = torch.tensor([[0, 1, 3], [1, 4, 2]])
PARTS = torch.tensor([0, 0, 1, 1, 1])


def _data(**fields) -> Data:
    base = {
        "x": torch.ones(5, 2),
        "y": torch.zeros(5, dtype=torch.long),
        "train_mask": torch.ones(5, dtype=torch.bool),
    }
    return Data(edge_index=EDGES, num_nodes=5, **{**base, **fields})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("x", torch.ones(4, 2), "data.x has 4 rows, but the graph has 5 nodes"),
        (
            "y",
            torch.zeros(6, dtype=torch.long),
            "data.y has 6 rows, but the graph has 5",
        ),
        (
            "train_mask",
            torch.ones(3, 2, dtype=torch.bool),
            "data.train_mask has 3 rows",
        ),
        (
            "edge_attr",
            torch.ones(2, 4),
            "data.edge_attr has 2 rows, but the graph has 3 edges",
        ),
    ],
)
def test_wrong_row_count_rejected(name, value, message):
    with pytest.raises(ValueError, match=message):
        list(partition_payloads(_data(**{name: value}), PARTS, 2))


def test_matching_fields_kept():
    data = _data(edge_attr=torch.arange(3.0).view(3, 1))
    payloads = dict(partition_payloads(data, PARTS, 2))
    for payload in payloads.values():
        for name in ("x", "y", "train_mask", "edge_attr"):
            assert name in payload, name
    assert payloads[1]["x"].shape == (3, 2)
    # Rank 1 receives edge 1 (1 -> 4) from rank 0 and keeps its own edge 2 (3 -> 2).
    assert [attr.tolist() for attr in payloads[1]["edge_attr"]] == [[[1.0]], [[2.0]]]
