"""Ranks agree on one attempt token on a store that an earlier attempt used.

torchrun's agent keeps its store across restarts, and the restart count can differ
between machines, so the ranks of a restart agree on a fresh token instead.
"""

import threading
from datetime import timedelta

import pytest
import torch.distributed as dist
from graphkit.distributed.attempt_keys import _TOKEN_KEY, agree_attempt
from graphkit.distributed.runtime import free_port


def _store(port: int, is_master: bool = False):
    return dist.TCPStore(
        "127.0.0.1", port, is_master=is_master, timeout=timedelta(seconds=20),
        wait_for_workers=False,
    )


def _agree_all(port: int, world_size: int, first: list[int]) -> dict[int, str]:
    """Run agree_attempt on every rank, starting the ranks of ``first`` earlier."""
    tokens: dict[int, str] = {}
    errors: list[BaseException] = []

    def run(rank: int) -> None:
        try:
            tokens[rank] = agree_attempt(_store(port), rank, world_size, 20.0)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    early = [threading.Thread(target=run, args=(r,)) for r in first]
    late = [
        threading.Thread(target=run, args=(r,))
        for r in range(world_size)
        if r not in first
    ]
    for thread in early:
        thread.start()
    # Ranks that start first read whatever token the store holds.
    threading.Event().wait(0.3)
    for thread in late:
        thread.start()
    for thread in early + late:
        thread.join(timeout=30)
    assert not errors, errors
    return tokens


def test_ranks_agree_on_fresh_token():
    port = free_port()
    server = _store(port, is_master=True)
    tokens = _agree_all(port, 3, first=[])
    assert len(set(tokens.values())) == 1
    assert sorted(tokens) == [0, 1, 2]
    del server


@pytest.mark.parametrize("first", [[1], [1, 2]])
def test_stale_token_not_taken(first):
    port = free_port()
    server = _store(port, is_master=True)
    earlier = _agree_all(port, 3, first=[])[0]
    # The ranks listed in ``first`` start before rank 0 of the next attempt, so they
    # read the earlier attempt's token first.
    assert server.get(_TOKEN_KEY).decode() == earlier
    tokens = _agree_all(port, 3, first=first)
    assert len(set(tokens.values())) == 1
    assert tokens[0] != earlier
    del server


def test_missing_rank_zero_times_out():
    port = free_port()
    server = _store(port, is_master=True)
    server.set(_TOKEN_KEY, "left-by-an-earlier-attempt")
    with pytest.raises(TimeoutError) as caught:
        agree_attempt(_store(port), 1, 2, 0.5)
    assert str(caught.value).startswith(
        "rank 1: start-up timed out after 0.5 s because rank 0 did not accept"
    )
    del server
