"""Partitioning and load_partition raise WrongTypeError for counts of the wrong type.

WrongTypeError subclasses TypeError and ValueError, so callers that catch either one
still catch it. A whole number out of range stays a plain ValueError.
"""

import pytest
import torch
from torch_geometric.data import Data

from graphkit.distributed import partition_nodes, partition_payloads
from graphkit.distributed.files import load_partition, write_partitions
from graphkit.distributed.partition import check_parts, partition_summary
from graphkit.whole_numbers import WrongTypeError

EDGES = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
PARTS = torch.tensor([0, 0, 1, 1])
DATA = Data(x=torch.randn(4, 2), edge_index=EDGES)


def _load(tmp_path, rank, world_size):
    write_partitions(DATA, PARTS, 2, tmp_path)
    return load_partition(tmp_path, rank, world_size)


ENTRY_POINTS = {
    "partition_nodes num_nodes": lambda path, value: partition_nodes(
        EDGES, value, 2, "random"
    ),
    "partition_nodes num_parts": lambda path, value: partition_nodes(
        EDGES, 4, value, "random"
    ),
    "check_parts num_parts": lambda path, value: check_parts(PARTS, value, 4),
    "partition_summary num_parts": lambda path, value: partition_summary(
        EDGES, PARTS, value
    ),
    "partition_payloads ranks": lambda path, value: list(
        partition_payloads(DATA, PARTS, 2, ranks=[value])
    ),
    "load_partition rank": lambda path, value: _load(path, value, 2),
    "load_partition world_size": lambda path, value: _load(path, 0, value),
}


@pytest.mark.parametrize("value", [1.0, "1", True], ids=repr)
@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_wrong_type_count_error_class(tmp_path, entry_point, value):
    with pytest.raises(WrongTypeError) as caught:
        ENTRY_POINTS[entry_point](tmp_path, value)
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "entry_point",
    ["partition_payloads ranks", "load_partition rank", "load_partition world_size"],
)
def test_out_of_range_count_plain_value_error(tmp_path, entry_point):
    with pytest.raises(ValueError) as caught:
        ENTRY_POINTS[entry_point](tmp_path, -1)
    assert not isinstance(caught.value, TypeError)
