"""A bracketed IPv6 MASTER_ADDR, as URLs write it (``[::1]``), starts the group.

Sockets and ``TCPStore`` take the bare address, so start-up removes the brackets.
With them left in, rank 0 fails to resolve ``[::1]`` and the other ranks wait for the
store until the timeout.
"""

import os

import pytest
import torch.multiprocessing as mp
from graphkit.distributed.runtime import _from_mpi, free_port, unbracketed_address
from ipv6_loopback import needs_ipv6
from mpi_worlds import FakeWorld


@pytest.mark.parametrize(
    "given, expected",
    [
        ("[::1]", "::1"),
        ("[fe80::1%eth0]", "fe80::1%eth0"),
        ("::1", "::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("node-3", "node-3"),
        ("[node-3]", "[node-3]"),
        ("", ""),
    ],
)
def test_unbracketed_address(given, expected):
    assert unbracketed_address(given) == expected


@needs_ipv6
def test_mpiexec_path_strips_brackets(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "[::1]")
    monkeypatch.delenv("MASTER_PORT", raising=False)
    rank, size, addr, port = _from_mpi(FakeWorld())
    assert (rank, size, addr) == (0, 2, "::1")
    assert 1 <= port <= 65535


def _start(rank: int, port: int, results) -> None:
    os.environ.update(
        RANK=str(rank),
        WORLD_SIZE="2",
        MASTER_ADDR="[::1]",
        MASTER_PORT=str(port),
        OMP_NUM_THREADS="1",
    )
    from graphkit.distributed import runtime

    try:
        results.put((rank, runtime.init_process_group(20.0)))
        runtime.destroy_process_group()
    except BaseException as error:  # noqa: BLE001 - reported to the test
        results.put((rank, f"{type(error).__name__}: {error}"))


@needs_ipv6
@pytest.mark.distributed
def test_torchrun_variables_with_brackets():
    context = mp.get_context("fork")
    results = context.Queue()
    port = free_port("::1")
    procs = [context.Process(target=_start, args=(r, port, results)) for r in range(2)]
    for proc in procs:
        proc.start()
    outcome = dict(results.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=10)
    assert outcome[0] == (0, 2)
    assert outcome[1] == (1, 2)
