"""Every model and mode posts communication that nccl's single stream can run.

The ranks run the equivalence check on gloo while recording each group of
point-to-point operations and each collective, and :mod:`stream_order` replays the
recordings under nccl's rules (posting order per rank, messages matched by order and
not by tag). A rank that posts a receive before the send its peer waits for, or ranks
that call collectives in different orders, leave a rank waiting forever in the replay.
"""

import pytest
from harness import run_world
from stream_order import match_in_order, replay
from workers import MODELS, MODES, equivalence, recorded

pytestmark = pytest.mark.distributed


@pytest.mark.parametrize(("world_size", "max_message_bytes"), [(3, 200), (4, None)])
def test_sar_communication_runs_in_stream_order(world_size, max_message_bytes):
    results = run_world(
        recorded,
        world_size,
        equivalence,
        ["uneven", "sparse"],
        MODELS,
        MODES,
        True,
        max_message_bytes,
    )
    failures = [line for rank_failures, _ in results for line in rank_failures]
    assert not failures, "\n".join(failures[:20])
    streams = [groups for _, groups in results]
    assert all(streams)
    stuck = replay(streams, match_in_order(streams))
    assert stuck == [], f"ranks {stuck} wait forever"
