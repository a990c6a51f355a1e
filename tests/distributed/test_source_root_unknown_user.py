"""check_source joins the all-reduce when ``--root`` names an unknown user's home."""

import pytest

from graphkit.distributed.files import PartitionFileError
from graphkit.distributed.source import check_source
from graphkit.train import TrainConfig


class CountingRank:
    """A one-rank communicator on the CPU that records the all-reduces it joined."""

    device = "cpu"

    def __init__(self):
        self.reduced = []

    def all_reduce(self, tensor, label):
        self.reduced.append(float(tensor.sum()))
        return tensor


def test_unknown_user_root_reaches_all_reduce(tmp_path):
    # Path.expanduser raises RuntimeError for "~user" of an unknown user. Rank 0 must
    # still join the all-reduce, so the other ranks stop with it instead of waiting.
    meta = {"source": {"dataset_options": {}, "root": str(tmp_path), "files": []}}
    config = TrainConfig(
        partitions="parts", dataset="cora", root="~no_such_user_graphkit/data"
    )
    comm = CountingRank()

    with pytest.raises(
        PartitionFileError, match="checking the source of the partitions"
    ):
        check_source(comm, meta, config, 0)

    assert comm.reduced == [1.0]
