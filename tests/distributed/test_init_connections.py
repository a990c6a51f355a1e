"""A rank that leaves right after start-up does not break its peers' start-up."""

import pytest
from harness import start_world

pytestmark = pytest.mark.distributed


def leave_at_once(rank: int, world_size: int) -> int:
    return rank


@pytest.mark.slow
def test_early_exit_leaves_peers_connected():
    """Start 40 groups of 3 ranks that destroy the group as soon as it exists.

    Without the gloo barrier at the end of ``init_process_group``, 2 of 60 starts failed
    in one measurement on a loaded 2-core machine. The failing rank was still
    connecting and raised "Connection closed by peer".
    """
    failures = []
    for attempt in range(40):
        outcome = start_world(leave_at_once, 3, timeout_s=20, join_s=60)
        errors = [value for status, value in outcome.values() if status == "error"]
        if errors or len(outcome) != 3:
            failures.append(f"start {attempt}: {errors[:1]}, {len(outcome)} reports")
    assert not failures, "\n".join(failures)
