"""Gradients sent in many small messages: still equal to the single process."""

import pytest

from harness import run_world
from workers import MODELS, equivalence

pytestmark = pytest.mark.distributed


@pytest.mark.parametrize(
    ("world_size", "max_message_bytes"), [(2, 1), (3, 200), (4, 1000)]
)
def test_small_messages_match_single_process(world_size, max_message_bytes):
    # 1 byte gives one row per message, so peers with different halo sizes post
    # different numbers of messages in one round.
    results = run_world(
        equivalence,
        world_size,
        ["uneven", "sparse"],
        MODELS,
        ("sar", "sa"),
        True,
        max_message_bytes,
    )
    failures = [line for rank_failures in results for line in rank_failures]
    assert not failures, "\n".join(failures[:20])


def test_one_message_per_peer_matches_single_process():
    results = run_world(
        equivalence, 3, ["uneven"], MODELS, ("sar", "sa"), True, None
    )
    failures = [line for rank_failures in results for line in rank_failures]
    assert not failures, "\n".join(failures[:20])
