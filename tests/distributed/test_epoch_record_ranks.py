"""The epoch record's traffic and peak-memory fields combine the values of all ranks."""

import pytest
import torch
from harness import run_world

pytestmark = pytest.mark.distributed

# Nodes 0-3 form partition 0 and nodes 4-5 partition 1. Partition 1 needs nodes 0, 1
# and 2 from partition 0, and partition 0 needs node 4 from partition 1.
PARTS = torch.tensor([0, 0, 0, 0, 1, 1])
EDGES = torch.tensor([[0, 1, 2, 4, 4, 5], [4, 5, 5, 0, 5, 4]])
ROW = 4 * 4  # 4 float32 features per node


def _record(rank: int, world_size: int):
    from graphkit.distributed import ShardedGraph, partition_payloads
    from graphkit.distributed.runtime import communicator
    from torch_geometric.data import Data

    import graphkit.train.epoch_record as epoch_record_module

    data = Data(x=torch.ones(6, 4), edge_index=EDGES, num_nodes=6)
    _, payload = next(partition_payloads(data, PARTS, world_size, ranks=[rank]))
    graph = ShardedGraph.from_partition(communicator(), payload, "one-shot")
    graph.comm_stats()  # resets the counters, so set-up exchanges are left out
    graph.aggregate(payload["x"], "sum")
    # Each rank reports its own host peak, so the record must show the larger one.
    epoch_record_module.peak_rss_bytes = lambda: 1000 * (rank + 1)
    scores = {"train": 0.5, "val": 0.5, "test": 0.5, "val_loss": 1.0}
    return epoch_record_module.epoch_record(
        1, 1.0, scores, 0.1, "accuracy", graph, torch.device("cpu"), None
    )


def test_record_sums_traffic_and_maxes_peak():
    records = run_world(_record, 2)
    sent = [record["sent_bytes"] for record in records]
    # Rank 0 sends 3 rows and rank 1 sends 1 row, and both send the two float64
    # peaks of the reduce_max that precedes the traffic counters.
    assert sent == [3 * ROW + 16, 1 * ROW + 16]
    for rank, record in enumerate(records):
        assert record["all_ranks_sent_bytes"] == sum(sent), rank
        assert record["peak_host_bytes"] == 2000, rank
        assert record["peak_memory_bytes"] == 2000, rank
        assert record["peak_memory_source"] == "host_vmhwm", rank
