"""The distributed path warns that it drops ``data.edge_weight``, like LocalGraph does."""

import torch
from graphkit.distributed.files import write_partitions
from graphkit.distributed.partition import partition_payloads
from torch_geometric.data import Data

EDGE_INDEX = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
PARTS = torch.tensor([0, 0, 1, 1])
MESSAGE = (
    "data.edge_weight is ignored: ShardedGraph aggregates every edge with weight 1"
)


def _data(weighted: bool) -> Data:
    data = Data(edge_index=EDGE_INDEX, num_nodes=4)
    if weighted:
        data.edge_weight = torch.tensor([0.5, 1.0, 2.0, 3.0])
    return data


def test_payloads_warn_once_about_edge_weight(caplog):
    with caplog.at_level("WARNING", logger="graphkit.distributed.partition"):
        payloads = list(partition_payloads(_data(True), PARTS, 2))
    assert len(payloads) == 2
    assert caplog.text.count(MESSAGE) == 1


def test_payloads_quiet_without_edge_weight(caplog):
    with caplog.at_level("WARNING", logger="graphkit.distributed.partition"):
        list(partition_payloads(_data(False), PARTS, 2))
    assert "edge_weight" not in caplog.text


def test_partition_files_warn_about_edge_weight(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="graphkit.distributed.partition"):
        write_partitions(_data(True), PARTS, 2, tmp_path)
    assert caplog.text.count(MESSAGE) == 1


def test_loading_weighted_partition_warns(tmp_path, caplog):
    from graphkit.distributed.files import load_partition

    write_partitions(_data(True), PARTS, 2, tmp_path)
    caplog.clear()
    with caplog.at_level("WARNING", logger="graphkit.distributed.files"):
        load_partition(tmp_path, 0, 2)
    assert caplog.text.count(MESSAGE) == 1
    assert "meta.json" in caplog.text


def test_loading_unweighted_partition_is_quiet(tmp_path, caplog):
    from graphkit.distributed.files import load_partition, read_metadata

    write_partitions(_data(False), PARTS, 2, tmp_path)
    assert read_metadata(tmp_path)["edge_weight_dropped"] is False
    with caplog.at_level("WARNING", logger="graphkit.distributed.files"):
        load_partition(tmp_path, 0, 2)
        load_partition(tmp_path, 1, 2)
    assert "edge_weight" not in caplog.text
