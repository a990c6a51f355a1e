"""A fetch that the caller stops early finishes the exchanges it posted ahead.

An error in the caller's aggregation ends the iteration while the next round, posted
ahead, is in flight. The peers post the matching operations, so the rank must wait for
them. An abandoned exchange breaks the next exchange of the process group, which gloo
reports as a reset connection or a timeout.
"""

import pytest
import torch
from graphkit.distributed.compression import CompressedHalo
from graphkit.distributed.compression.quantize import QuantizeCodec
from graphkit.distributed.halo import HaloExchange
from graphkit.distributed.memory import FetchTracker
from stream_order import RecordingComm


def _halo(comm, look_ahead, one_shot, max_message_bytes):
    send_rows = [torch.tensor([0, 1]), torch.tensor([2]), torch.tensor([1, 3])]
    return HaloExchange(
        comm,
        send_rows,
        [2, 1, 3],
        FetchTracker(),
        one_shot=one_shot,
        look_ahead=look_ahead,
        max_message_bytes=max_message_bytes,
    )


def _stop_after(rounds, count: int) -> list[int]:
    """Take ``count`` rounds, then close the generator as an error in the loop would."""
    peers = [next(rounds)[0] for _ in range(count)]
    rounds.close()
    return peers


@pytest.mark.parametrize("look_ahead", [True, False])
@pytest.mark.parametrize("one_shot", [False, True])
@pytest.mark.parametrize("max_message_bytes", [None, 8])
@pytest.mark.parametrize("count", [1, 2])
def test_closed_fetch_finishes_exchanges(look_ahead, one_shot, max_message_bytes, count):
    comm = RecordingComm(0, 3)
    halo = _halo(comm, look_ahead, one_shot, max_message_bytes)
    x = torch.arange(8.0).reshape(4, 2)
    peers = _stop_after(halo.fetch([x], "fetch"), count)
    assert peers == [0, 2][:count]
    assert comm.unfinished == 0


@pytest.mark.parametrize("one_shot", [False, True])
@pytest.mark.parametrize("count", [1, 2])
def test_closed_compressed_fetch_finishes_exchanges(one_shot, count):
    comm = RecordingComm(0, 3)
    halo = _halo(comm, True, one_shot, None)
    compressed = CompressedHalo(halo, QuantizeCodec(min_width=1), 2.0, 7, 0)
    x = torch.arange(8.0).reshape(4, 2)
    peers = _stop_after(compressed.fetch([x], "fetch"), count)
    assert peers == [0, 2][:count]
    assert comm.unfinished == 0
