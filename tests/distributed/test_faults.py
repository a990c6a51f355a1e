"""Failures are reported by name: a lost rank, a corrupted file, a wrong world size."""

import pytest

from graphkit.distributed import partition_nodes
from graphkit.distributed.files import (
    PartitionFileError,
    load_partition,
    write_partitions,
)

from harness import run_world, start_world
from workers import build_from_folder, random_graph, train_until_killed

pytestmark = pytest.mark.distributed


@pytest.mark.parametrize("mode", ["sar", "one-shot"])
def test_killed_rank_is_named(mode):
    outcome = start_world(
        train_until_killed, 3, 1, mode, timeout_s=30, join_s=90, expect=2
    )
    assert sorted(outcome) == [0, 2], f"survivors did not report: {outcome}"
    for rank in (0, 2):
        status, value = outcome[rank]
        assert status == "ok", value
        message, seconds = value
        assert "because rank 1 stopped responding" in message, message
        # The heartbeat names a lost rank after its 3 s liveness window. The bound
        # lies below the group's 30 s timeout, so a rank that only notices the loss
        # at the timeout fails it.
        assert seconds < 20, f"rank {rank} needed {seconds:.0f} s to notice"


def write_parts(tmp_path, num_parts):
    data = random_graph()
    parts = partition_nodes(data.edge_index, data.num_nodes, num_parts, "metis")
    write_partitions(data, parts, num_parts, tmp_path)
    return data


def test_corrupted_file_is_named(tmp_path):
    write_parts(tmp_path, 2)
    victim = tmp_path / "part-0001.pt"
    content = bytearray(victim.read_bytes())
    content[len(content) // 2] ^= 0xFF
    victim.write_bytes(bytes(content))
    errors = run_world(build_from_folder, 2, str(tmp_path))
    assert "part-0001.pt is corrupted" in errors[1]
    assert "rank 1: part-0001.pt" in errors[0]


def test_world_size_mismatch_names_both(tmp_path):
    write_parts(tmp_path, 3)
    with pytest.raises(
        PartitionFileError, match="contains 3 partitions but the world size is 2"
    ):
        load_partition(tmp_path, 0, 2)
    errors = run_world(build_from_folder, 2, str(tmp_path))
    for error in errors:
        assert "contains 3 partitions but the world size is 2" in error


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(PartitionFileError, match="is not a partition folder"):
        load_partition(tmp_path / "absent", 0, 1)


class _DictStore:
    """An in-memory stand-in for the ``torch.distributed.Store`` calls of Heartbeat."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def add(self, key: str, amount: int) -> int:
        value = int(self.data.get(key, b"0")) + amount
        self.data[key] = str(value).encode()
        return value

    def check(self, keys) -> bool:
        return all(key in self.data for key in keys)

    def get(self, key: str) -> bytes:
        return self.data[key]

    def compare_set(self, key: str, expected: str, desired: str) -> bytes:
        current = self.data.get(key)
        if (current is None and expected == "") or current == expected.encode():
            self.data[key] = desired.encode()
        return self.data[key]


def test_survivors_name_first_lost_rank(monkeypatch):
    from graphkit.distributed import comm

    monkeypatch.setattr(comm, "LIVENESS_WINDOW_S", 2 * comm.HEARTBEAT_PERIOD_S + 0.2)
    store = _DictStore()
    # Ranks 0, 1 and 3 of 4 are alive. Rank 2 never wrote a heartbeat.
    beats = {rank: comm.Heartbeat(store, rank, 4) for rank in (0, 1, 3)}
    try:
        assert beats[0].find_lost_ranks() == [2]
        # Rank 1 then exits because of that failure. Rank 3, diagnosing later,
        # still names rank 2, the rank that failed first.
        beats[1].stop()
        assert beats[3].find_lost_ranks() == [2]
    finally:
        for beat in beats.values():
            beat.stop()
