"""A store host that stops replying during the rendezvous ends start-up with an error.

``store.set`` and ``store.add`` of gloo's rendezvous have no timeout (torch 2.13), so a
frozen store host would block a rank for good. A stand-in rendezvous that never returns
plays that host here, on a real store on loopback.
"""

import threading
import time

import pytest
import torch
import torch.distributed as dist

from graphkit.distributed import runtime

pytestmark = pytest.mark.distributed


def test_silent_rendezvous_times_out(monkeypatch):
    port = runtime.free_port()
    host = dist.TCPStore("127.0.0.1", port, 2, is_master=True, wait_for_workers=False)
    never = threading.Event()
    monkeypatch.setattr(runtime, "STORE_CONNECT_GRACE_S", 0.5)
    monkeypatch.setattr(runtime, "_start_group", lambda *args: never.wait())
    start = time.monotonic()
    with pytest.raises(TimeoutError) as caught:
        runtime._meet_ranks(
            1, 2, "127.0.0.1", port, "gloo", torch.device("cpu"), 1.0, "test/group0"
        )
    seconds = time.monotonic() - start
    never.set()
    del host
    assert seconds < 6, f"start-up gave up after {seconds:.1f} s"
    message = str(caught.value)
    assert f"MASTER_ADDR:MASTER_PORT = 127.0.0.1:{port}" in message
    assert "rank 0" in message
    assert "did not return within 2.5 s" in message
    assert "timeout_s = 1" in message
