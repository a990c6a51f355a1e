"""init_process_group on a group that the caller started with torch.distributed.

A script (or a framework around it) may start the group itself and then call
graphkit's ``init_process_group``, which keeps that group. The timeout passed to
it must still apply to graphkit's operations, and a backend other than the
group's must be rejected, because graphkit would then send tensors of the wrong
device through the group.
"""

from datetime import timedelta

import pytest
import torch.distributed as dist

from graphkit.distributed import runtime


@pytest.fixture
def caller_group():
    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        yield
    finally:
        runtime.destroy_process_group()
        if dist.is_initialized():
            dist.destroy_process_group()


def test_existing_group_keeps_requested_timeout(caller_group):
    assert runtime.init_process_group(timeout_s=7.0) == (0, 1)
    comm = runtime.communicator()
    assert comm.timeout == timedelta(seconds=7)
    assert comm.device.type == "cpu"


def test_existing_group_rejects_other_backend(caller_group):
    with pytest.raises(ValueError, match="already started with backend 'gloo'"):
        runtime.init_process_group(backend="nccl")
