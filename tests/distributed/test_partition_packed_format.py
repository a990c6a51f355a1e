"""Partition files of format 2 store the in-edges as one tensor with offsets.

Loading a format-2 folder gives the same payloads and the same ShardedGraph as a folder
of format 1, which stored one edge tensor per peer, and it rejects damaged offsets.
"""

from __future__ import annotations

import json

import pytest
import torch
from harness import run_world
from torch_geometric.data import Data

from graphkit.distributed import partition_payloads
from graphkit.distributed.files import (
    PartitionFileError,
    load_partition,
    sha256_of,
    write_partitions,
)

# Nodes 0 and 2 form partition 0, nodes 1, 3 and 6 partition 1, nodes 4 and 5
# partition 2, so the new ids are 0, 2, 1, 3, 5, 6, 4 for the old ids 0 to 6.
# Nodes 5 and 6 have no edges, and partition 0 sends no edge to partition 2.
PARTS = torch.tensor([0, 1, 0, 1, 2, 2, 1])
EDGES = torch.tensor([[0, 1, 2, 3, 4, 1], [1, 0, 3, 4, 0, 2]])


def _tiny_data() -> Data:
    return Data(
        x=torch.arange(7, dtype=torch.float).view(-1, 1),
        edge_index=EDGES,
        edge_attr=torch.arange(10, 16, dtype=torch.float).view(-1, 1),
        num_nodes=7,
    )


def _rewrite(folder, rank: int, payload: dict, file_format: str | None = None) -> None:
    """Save ``payload`` as partition ``rank`` and record its checksum in meta.json."""
    path = folder / f"part-{rank:04d}.pt"
    torch.save(payload, path)
    meta = json.loads((folder / "meta.json").read_text())
    meta["files"][rank]["sha256"] = sha256_of(path)
    meta["files"][rank]["bytes"] = path.stat().st_size
    if file_format is not None:
        meta["format"] = file_format
    (folder / "meta.json").write_text(json.dumps(meta))


def _write_per_peer_folder(folder) -> None:
    """Write the tiny graph as graphkit wrote it before packing: one tensor per peer."""
    write_partitions(_tiny_data(), PARTS, 3, folder)
    for rank, payload in partition_payloads(_tiny_data(), PARTS, 3):
        payload["format"] = "graphkit-partition-1"
        _rewrite(folder, rank, payload, "graphkit-partition-1")


def _raw(folder, rank: int) -> dict:
    return torch.load(folder / f"part-{rank:04d}.pt", weights_only=True)


def test_packed_file_hand_graph(tmp_path):
    meta = write_partitions(_tiny_data(), PARTS, 3, tmp_path)
    assert meta["format"] == "graphkit-partition-2"
    # Rank 0 owns the old nodes 0 and 2 (new ids 0 and 1). It receives the old edges
    # 1 -> 0 and 1 -> 2 from partition 1 (new source 2) and 4 -> 0 from partition 2
    # (new source 5).
    expected = {
        0: ([[2, 2, 5], [0, 1, 0]], [0, 0, 2, 3], [11.0, 15.0, 14.0]),
        1: ([[0, 1], [0, 1]], [0, 2, 2, 2], [10.0, 12.0]),
        2: ([[3], [0]], [0, 0, 1, 1], [13.0]),
    }
    for rank, (edges, offsets, attrs) in expected.items():
        raw = _raw(tmp_path, rank)
        assert raw["format"] == "graphkit-partition-2"
        assert raw["edges"].tolist() == edges
        assert raw["edge_offsets"].tolist() == offsets
        assert raw["edge_attr"].view(-1).tolist() == attrs


def test_per_peer_folder_loads_same(tmp_path):
    _write_per_peer_folder(tmp_path / "old")
    write_partitions(_tiny_data(), PARTS, 3, tmp_path / "new")
    for rank in range(3):
        old = load_partition(tmp_path / "old", rank, 3)
        new = load_partition(tmp_path / "new", rank, 3)
        assert sorted(new) == sorted(old)
        assert "format" not in new
        assert "edge_offsets" not in new
        for key in ("edges", "edge_attr"):
            assert len(new[key]) == 3
            for got, want in zip(new[key], old[key]):
                assert got.dtype == want.dtype, key
                assert got.stride() == want.stride(), key
                assert torch.equal(got, want), key
        for key in ("node_ranges", "global_ids", "x"):
            assert torch.equal(new[key], old[key]), key
        assert (new["rank"], new["num_parts"]) == (old["rank"], old["num_parts"])
    # The block from partition 0 into partition 2 is empty.
    empty = load_partition(tmp_path / "new", 2, 3)["edges"][0]
    assert empty.shape == (2, 0)
    assert empty.dtype == torch.long


def _graph_summary(rank: int, world_size: int, folder: str) -> dict:
    from graphkit.distributed.files import load_partition
    from graphkit.distributed.runtime import communicator
    from graphkit.distributed.sharded import ShardedGraph

    payload = load_partition(folder, rank, world_size)
    graph = ShardedGraph.from_partition(communicator(), payload, "sar")
    out = graph.aggregate(payload["x"], "sum")
    return {
        "rowptr": [block.rowptr.tolist() for block in graph.blocks],
        "col": [block.col.tolist() for block in graph.blocks],
        "num_src": [block.num_src for block in graph.blocks],
        "edge_attr": [block.edge_attr.tolist() for block in graph.blocks],
        "send_rows": [rows.tolist() for rows in graph.halo.send_rows],
        "sum": out.view(-1).tolist(),
    }


@pytest.mark.distributed
def test_per_peer_folder_builds_same_graph(tmp_path):
    _write_per_peer_folder(tmp_path / "old")
    write_partitions(_tiny_data(), PARTS, 3, tmp_path / "new")
    old = run_world(_graph_summary, 3, str(tmp_path / "old"))
    new = run_world(_graph_summary, 3, str(tmp_path / "new"))
    assert new == old
    # Each node's feature is its old id, and the sums are in new-id order. Node 0
    # (old 0) receives old 1 and 4, node 1 (old 2) old 1, node 2 (old 1) old 0,
    # node 3 (old 3) old 2 and node 5 (old 4) old 3. Nodes 4 and 6 have no in-edges.
    assert [value for summary in new for value in summary["sum"]] == [
        5.0,
        1.0,
        0.0,
        2.0,
        0.0,
        3.0,
        0.0,
    ]


@pytest.mark.parametrize(
    ("offsets", "problem"),
    [
        ([0, 2, 1, 3], "edge_offsets decreases from 2 to 1 at partition 1"),
        ([0, 0, 2, 2], "edge_offsets runs from 0 to 2, but it must run from 0 to 3"),
        ([1, 1, 2, 3], "edge_offsets runs from 1 to 3, but it must run from 0 to 3"),
        ([0, 0, 3], "edge_offsets has 3 entries, but 3 partitions need 4"),
        ([[0, 0, 2, 3]], "edge_offsets must be a 1-D tensor, got shape [1, 4]"),
        ([0.0, 0.0, 2.0, 3.0], "edge_offsets must have an integer dtype"),
    ],
)
def test_damaged_offsets_rejected(tmp_path, offsets, problem):
    write_partitions(_tiny_data(), PARTS, 3, tmp_path)
    payload = _raw(tmp_path, 0)
    payload["edge_offsets"] = torch.tensor(offsets)
    _rewrite(tmp_path, 0, payload)
    with pytest.raises(PartitionFileError) as caught:
        load_partition(tmp_path, 0, 3)
    message = str(caught.value)
    assert f"partition file {tmp_path / 'part-0000.pt'} is corrupted" in message
    assert problem in message
    assert "re-run graphkit partition" in message.lower()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"edge_offsets": None}, "the entry 'edge_offsets' is missing"),
        (
            {"edges": torch.zeros(3, 3, dtype=torch.long)},
            "edges must have shape [2, E], got [3, 3]",
        ),
        (
            {"edge_attr": torch.zeros(2, 1)},
            "one row per edge (3 rows), got shape [2, 1]",
        ),
    ],
)
def test_damaged_packed_entries_rejected(tmp_path, change, problem):
    write_partitions(_tiny_data(), PARTS, 3, tmp_path)
    payload = _raw(tmp_path, 0)
    for key, value in change.items():
        if value is None:
            del payload[key]
        else:
            payload[key] = value
    _rewrite(tmp_path, 0, payload)
    with pytest.raises(PartitionFileError, match="part-0000.pt is corrupted") as caught:
        load_partition(tmp_path, 0, 3)
    assert problem in str(caught.value)


def test_unknown_format_named(tmp_path):
    write_partitions(_tiny_data(), PARTS, 3, tmp_path)
    payload = _raw(tmp_path, 1)
    payload["format"] = "graphkit-partition-9"
    _rewrite(tmp_path, 1, payload)
    with pytest.raises(PartitionFileError) as caught:
        load_partition(tmp_path, 1, 3)
    message = str(caught.value)
    assert str(tmp_path / "part-0001.pt") in message
    assert "found format 'graphkit-partition-9'" in message
    assert "Re-run graphkit partition" in message
