"""Communicator.start rejects invalid peers and strided receive buffers."""

import pytest
import torch
from harness import run_world

pytestmark = pytest.mark.distributed


def _start_errors(rank: int, world_size: int) -> dict:
    """Post an exchange with each invalid peer and return each error's type and message."""
    from graphkit.distributed import Communicator

    comm = Communicator(timeout_s=10.0)
    errors = {}
    for name, peer in (("self", rank), ("above", world_size), ("negative", -1)):
        try:
            comm.wait(comm.start({peer: [torch.ones(3)]}, {peer: [torch.empty(3)]}, "t"))
        except Exception as error:  # noqa: BLE001 - the test checks the type
            errors[name] = (type(error).__name__, str(error))
        else:
            errors[name] = ("no error", "")
    return errors


def test_start_rejects_invalid_peers():
    # Without the check, a rank listed as its own peer failed as a lost peer ("one of
    # ranks  failed"), and a rank outside the group blocked batch_isend_irecv past the
    # timeout.
    results = run_world(_start_errors, 2, join_s=60.0)
    for rank, errors in enumerate(results):
        kind, message = errors["self"]
        assert kind == "ValueError", message
        assert f"rank {rank}: t lists this rank as its own peer" in message
        for name, peer in (("above", 2), ("negative", -1)):
            kind, message = errors[name]
            assert kind == "ValueError", message
            assert f"names invalid peer {peer}, because the group has ranks 0..1" in message


def _strided_receive_error(rank: int, world_size: int) -> tuple[str, str]:
    """Receive into a transposed view and return the error's type and message."""
    from graphkit.distributed import Communicator

    comm = Communicator(timeout_s=10.0)
    peer = 1 - rank
    buffer = torch.empty(3, 2).t()
    try:
        comm.wait(comm.start({peer: [torch.ones(2, 3)]}, {peer: [buffer]}, "t"))
    except Exception as error:  # noqa: BLE001 - the test checks the type
        return type(error).__name__, str(error)
    return "no error", ""


def test_start_rejects_strided_receive_buffer():
    # Before the check, gloo's "input tensor has to be contiguous" was reported as a
    # lost peer.
    results = run_world(_strided_receive_error, 2, join_s=60.0)
    for rank, (kind, message) in enumerate(results):
        assert kind == "ValueError", message
        assert f"rank {rank}: t receive buffer 0 from peer {1 - rank}" in message
        assert "is not contiguous (shape [2, 3], strides [1, 2])" in message
