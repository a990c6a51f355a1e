"""Gradients sent in many small messages: still equal to the single process."""

import math
from types import SimpleNamespace

import pytest

from graphkit.distributed.comm import MAX_CHUNKS, Communicator
from graphkit.distributed.halo import HaloExchange, rows_per_message
from graphkit.distributed.memory import FetchTracker
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


@pytest.mark.parametrize(
    ("max_bytes", "count", "row_bytes", "rows"),
    [
        (100, 10, 8, 12),  # 100 // 8 rows fit in one message
        (7, 10, 8, 1),  # a message carries at least one row
        (100, 10, 0, 100),  # zero-width rows count as one byte
        (1, MAX_CHUNKS, 4, 1),  # one row per message, MAX_CHUNKS messages
        (1, 2 * MAX_CHUNKS + 1, 4, 3),  # more rows spread over MAX_CHUNKS messages
    ],
)
def test_rows_per_message(max_bytes, count, row_bytes, rows):
    assert rows_per_message(max_bytes, count, row_bytes) == rows
    assert math.ceil(count / rows) <= MAX_CHUNKS


@pytest.mark.parametrize("max_bytes", [0, -8])
def test_non_positive_message_limit_rejected(max_bytes):
    comm = SimpleNamespace(rank=0, world_size=1)
    with pytest.raises(ValueError, match=f"max_message_bytes={max_bytes} is invalid"):
        HaloExchange(comm, [], [], FetchTracker(), max_message_bytes=max_bytes)


def test_chunk_tags_of_rounds_do_not_overlap():
    first = [Communicator.chunk_tag(5, chunk) for chunk in range(MAX_CHUNKS)]
    second = [Communicator.chunk_tag(6, chunk) for chunk in range(MAX_CHUNKS)]
    assert first[0] == (1 << 20) + 5 * MAX_CHUNKS
    assert second[0] == first[-1] + 1
    # Chunk MAX_CHUNKS of one round would take the tag of chunk 0 of the next.
    with pytest.raises(ValueError, match=f"chunk {MAX_CHUNKS} is outside"):
        Communicator.chunk_tag(5, MAX_CHUNKS)
    with pytest.raises(ValueError, match="chunk -1 is outside"):
        Communicator.chunk_tag(5, -1)
