"""With look-ahead, the first remote exchange travels while the local block is aggregated.

A rank that posts round 1 only after the caller finishes its own rows leaves the
network idle during that work. These tests stop the fetch at the local round and
count the exchanges already posted and not yet waited for.
"""

import pytest
import torch
from graphkit.distributed.halo import HaloExchange
from graphkit.distributed.memory import FetchTracker
from stream_order import RecordingComm


def _halo(look_ahead, one_shot, max_message_bytes=None):
    comm = RecordingComm(0, 3)
    send_rows = [torch.tensor([0, 1]), torch.tensor([2]), torch.tensor([1, 3])]
    halo = HaloExchange(
        comm,
        send_rows,
        [2, 1, 3],
        FetchTracker(),
        one_shot=one_shot,
        look_ahead=look_ahead,
        max_message_bytes=max_message_bytes,
    )
    return comm, halo


@pytest.mark.parametrize("one_shot", [False, True])
@pytest.mark.parametrize("max_message_bytes", [None, 8])
def test_fetch_overlaps_local_round(one_shot, max_message_bytes):
    comm, halo = _halo(True, one_shot, max_message_bytes)
    x = torch.arange(8.0).reshape(4, 2)
    rounds = halo.fetch([x], "fetch")
    peer, rows = next(rounds)
    assert peer == 0
    assert torch.equal(rows[0], x)
    assert comm.unfinished >= 1
    assert len(comm.groups) >= 1
    # The remote rounds still arrive in round order, and each is waited for.
    peers = [peer for peer, _ in rounds]
    assert peers == [2, 1]
    assert comm.unfinished == 0


@pytest.mark.parametrize("one_shot", [False, True])
def test_no_look_ahead_local_round_idle(one_shot):
    comm, halo = _halo(False, one_shot)
    x = torch.arange(8.0).reshape(4, 2)
    rounds = halo.fetch([x], "fetch")
    next(rounds)
    assert comm.unfinished == 0
    # The one-shot exchange has already finished, and round 1 has not started yet.
    assert len(comm.groups) == (1 if one_shot else 0)
    assert [peer for peer, _ in rounds] == [2, 1]
    assert comm.unfinished == 0
