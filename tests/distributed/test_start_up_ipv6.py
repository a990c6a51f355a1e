"""Start-up with an IPv6 MASTER_ADDR, where rank 0 picks the store's port under mpiexec."""

import os
import shutil
import socket
import subprocess
import sys

import pytest

from graphkit.distributed.runtime import _from_mpi

from ipv6_loopback import needs_ipv6
from mpi_worlds import FakeWorld


pytestmark = needs_ipv6


def test_rank_zero_picks_ipv6_port(monkeypatch):
    monkeypatch.setenv("MASTER_ADDR", "::1")
    monkeypatch.delenv("MASTER_PORT", raising=False)
    rank, size, addr, port = _from_mpi(FakeWorld())
    assert (rank, size, addr) == (0, 2, "::1")
    assert 1 <= port <= 65535
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
        sock.bind(("::1", port))


_ALL_REDUCE = """
import torch
from graphkit.distributed import runtime

rank, world_size = runtime.init_process_group(30.0)
value = torch.tensor([float(rank + 1)])
runtime.communicator().all_reduce(value)
print(f"rank {rank} of {world_size}: sum {value.item():g}", flush=True)
runtime.destroy_process_group(synchronize=True)
"""


@pytest.mark.distributed
def test_mpiexec_with_ipv6_master_addr():
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip("mpiexec not found: install mpich to run under an MPI launcher")
    env = {**os.environ, "MASTER_ADDR": "::1", "OMP_NUM_THREADS": "1"}
    env.pop("MASTER_PORT", None)
    result = subprocess.run(
        [mpiexec, "-n", "2", sys.executable, "-c", _ALL_REDUCE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "rank 0 of 2: sum 3" in result.stdout
    assert "rank 1 of 2: sum 3" in result.stdout
