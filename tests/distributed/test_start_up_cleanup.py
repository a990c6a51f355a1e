"""A start-up that fails after the heartbeat started leaves no thread and no group."""

import threading

import pytest
import torch.distributed as dist
from graphkit.distributed import runtime

pytestmark = pytest.mark.distributed


class InjectedFailure(RuntimeError):
    """The failure that the test puts into a start-up step."""


def _heartbeat_threads() -> list[threading.Thread]:
    return [
        thread
        for thread in threading.enumerate()
        if thread.name == "graphkit-heartbeat" and thread.is_alive()
    ]


@pytest.fixture
def rank_zero_of_two(monkeypatch):
    """Rank 0 of a two-rank torchrun group, on a free loopback port."""
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", str(runtime.free_port()))
    monkeypatch.delenv("GLOO_SOCKET_IFNAME", raising=False)
    assert not dist.is_initialized()
    assert _heartbeat_threads() == []
    yield
    runtime.destroy_process_group()


def test_group_start_failure_stops_heartbeat(rank_zero_of_two, monkeypatch):
    def fail(*args, **kwargs):
        assert len(_heartbeat_threads()) == 1  # the heartbeat runs before the group
        raise InjectedFailure("init_process_group failed")

    monkeypatch.setattr(dist, "init_process_group", fail)
    with pytest.raises(InjectedFailure):
        runtime.init_process_group(timeout_s=10)
    assert _heartbeat_threads() == []
    assert not dist.is_initialized()


def test_barrier_failure_destroys_group(rank_zero_of_two, monkeypatch):
    # The group starts (as a group of one, so the test needs no second rank), and
    # the barrier after it fails.
    start_group = dist.init_process_group

    def start_alone(backend, store, rank, world_size, timeout, **kwargs):
        start_group(backend, store=dist.HashStore(), rank=0, world_size=1)

    def fail_barrier(*args, **kwargs):
        assert dist.is_initialized()
        raise InjectedFailure("barrier failed")

    monkeypatch.setattr(dist, "init_process_group", start_alone)
    monkeypatch.setattr(dist, "barrier", fail_barrier)
    with pytest.raises(InjectedFailure):
        runtime.init_process_group(timeout_s=10)
    assert _heartbeat_threads() == []
    assert not dist.is_initialized()
