"""Ctrl-C or SIGTERM ends a rank that waits in a collective for a stopped peer.

Rank 1 of a two-rank ``graphkit train`` (plain processes, or under mpiexec) is stopped with SIGSTOP mid-training, so rank 0
waits for it in a halo exchange or an all-reduce. Before ``wait_works`` that wait
blocked in C++ until the group's timeout (60 s here), and gloo's destructor then
blocked again at exit.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphkit.distributed.runtime import free_port

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX SIGSTOP"),
]


def _start_rank(rank: int, port: int, out: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        RANK=str(rank),
        WORLD_SIZE="2",
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        OMP_NUM_THREADS="1",
    )
    argv = [
        sys.executable, "-m", "graphkit.launch", "train", "--epochs", "100000",
        "--patience", "100000", "--dataset-options", "{num_nodes: 400}",
        "--timeout-s", "60", "--out", str(out),
    ]  # fmt: skip
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _wait_for_two_epochs(process: subprocess.Popen, out: Path) -> None:
    """Wait up to 60 s until ``out/metrics.jsonl`` has two epochs, while ``process`` runs."""
    metrics = out / "metrics.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if metrics.is_file() and len(metrics.read_text().splitlines()) >= 2:
            return
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.1)


@pytest.mark.parametrize(
    "signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["int", "term"]
)
def test_signal_while_peer_stopped(tmp_path, signum, code):
    port, out = free_port(), tmp_path / "run"
    ranks = [_start_rank(rank, port, out) for rank in range(2)]
    try:
        _wait_for_two_epochs(ranks[0], out)
        ranks[1].send_signal(signal.SIGSTOP)
        # Rank 0 is now waiting for rank 1 in a collective.
        time.sleep(1.5)
        ranks[0].send_signal(signum)
        start = time.monotonic()
        try:
            _, stderr = ranks[0].communicate(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"rank 0 still ran 20 s after {signum.name}")
        seconds = time.monotonic() - start
    finally:
        for process in ranks:
            if process.poll() is None:
                process.kill()
            process.communicate()
    assert seconds < 10, f"rank 0 needed {seconds:.0f} s after {signum.name}"
    assert ranks[0].returncode == code, stderr
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("graphkit train")]
    assert len(lines) == 1, stderr
    assert "interrupted" in lines[0], stderr


def _mpi_rank_pid(rank: int, out: Path) -> int | None:
    """Return the pid of MPI rank ``rank`` of the run that writes ``out``, or None."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(out).encode() in argv and f"PMI_RANK={rank}".encode() in environ:
            return int(entry.name)
    return None


@pytest.mark.skipif(shutil.which("mpiexec") is None, reason="needs mpiexec (mpich)")
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_ctrl_c_mpiexec_peer_stopped(tmp_path):
    out = tmp_path / "run"
    argv = [
        shutil.which("mpiexec"), "-n", "2", sys.executable, "-m", "graphkit.launch",
        "train", "--epochs", "100000", "--patience", "100000", "--dataset-options",
        "{num_nodes: 400}", "--timeout-s", "60", "--out", str(out),
    ]  # fmt: skip
    launcher = subprocess.Popen(
        argv,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stopped = None
    try:
        _wait_for_two_epochs(launcher, out)
        stopped = _mpi_rank_pid(1, out)
        assert stopped is not None, "rank 1 not found in /proc"
        os.kill(stopped, signal.SIGSTOP)
        time.sleep(1.5)
        # A terminal's Ctrl-C reaches mpiexec, which forwards SIGINT to the ranks.
        launcher.send_signal(signal.SIGINT)
        start = time.monotonic()
        try:
            _, stderr = launcher.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail("mpiexec still ran 20 s after SIGINT")
        seconds = time.monotonic() - start
        # The ranks' own exits may trail mpiexec's by a moment.
        time.sleep(1)
        left = [_mpi_rank_pid(rank, out) for rank in range(2)]
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.communicate()
        for rank in range(2):
            pid = _mpi_rank_pid(rank, out)
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
    assert seconds < 10, f"mpiexec needed {seconds:.0f} s after SIGINT"
    assert launcher.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("graphkit train")]
    assert len(lines) == 1, stderr
    assert left == [None, None], "ranks left running after mpiexec ended"
