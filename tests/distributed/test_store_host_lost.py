"""Workers stop when torchrun's agent, which hosts the store, dies under them."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(
        not os.path.isdir("/proc/self"), reason="reads process states from Linux /proc"
    ),
]

# Each worker reduces for at most 60 s, and reports the error that stops it earlier.
_REDUCE_FOR_A_MINUTE = """
import os
import time
import torch
from graphkit.distributed import runtime
from graphkit.distributed.comm import PeerLostError


def report(line):
    # One write per line, so that the two workers' lines do not interleave.
    os.write(1, (line + "\\n").encode())


rank, world_size = runtime.init_process_group(30.0)
comm = runtime.communicator()
comm.all_reduce(torch.ones(1))
report(f"ready {rank} {os.getpid()}")
end = time.monotonic() + 60
try:
    while time.monotonic() < end:
        comm.all_reduce(torch.ones(1))
        time.sleep(0.05)
    report(f"finished {rank}")
except PeerLostError as error:
    report(f"lost {rank}: {error}")
"""


def _running(pid: int) -> bool:
    """Return whether ``pid`` runs: it exists and is not a zombie awaiting its reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def test_agent_killed_stops_workers(tmp_path):
    script = tmp_path / "reduce.py"
    script.write_text(_REDUCE_FOR_A_MINUTE)
    agent = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node=2",
            str(script),
        ],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    workers, lines = [], []
    try:
        while len(workers) < 2:
            line = agent.stdout.readline()
            assert line, f"torchrun ended before both workers started: {lines}"
            lines.append(line)
            if line.startswith("ready "):
                workers.append(int(line.split()[2]))
        agent.send_signal(signal.SIGKILL)
        agent.wait(timeout=10)
        deadline = time.monotonic() + 30
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.5)
        running = [pid for pid in workers if _running(pid)]
        assert running == [], f"workers {running} still run 30 s after the agent died"
        lines += agent.stdout.readlines()
    finally:
        if agent.poll() is None:
            agent.kill()  # Its workers then stop within 60 s.
        for pid in workers:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
    lost = sorted(line for line in lines if line.startswith("lost "))
    assert len(lost) == 2, lines
    for rank, line in enumerate(lost):
        # The first rank to notice stops before its next operation, and the other one
        # may fail in the operation that the first left.
        assert line.startswith(f"lost {rank}: rank {rank}: all_reduce "), line
        assert "the store at MASTER_ADDR:MASTER_PORT is unreachable" in line
        assert "torchrun's agent" in line
        assert "Exception raised from" not in line
