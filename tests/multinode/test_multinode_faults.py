"""Faults across machines: a killed worker, a link that goes down, a restart with resume."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from multinode_runs import (
    child_pids,
    logs_text,
    read_metrics,
    start_one_machine,
    start_static,
    train_argv,
    wait_all,
    wait_for,
)

pytestmark = [pytest.mark.distributed]

# Long enough that training is still running when the fault is injected.
LONG_RUN = 2000
NOTICE_LIMIT_S = 60


def metrics_lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.is_file() else 0


def start_long_run(tmp_path, net):
    out = tmp_path / "out"
    train = train_argv(out, LONG_RUN, ("--timeout-s", "20", "--patience", "0"))
    procs = start_static(net, 1, train, tmp_path)
    started = wait_for(lambda: metrics_lines(out / "metrics.jsonl") >= 2, timeout_s=150)
    assert started, "training did not start:\n" + logs_text(tmp_path)
    return procs


def assert_survivors_name(tmp_path, procs, survivors, lost, since):
    codes = wait_all([procs[i] for i in survivors], timeout_s=NOTICE_LIMIT_S)
    seconds = time.monotonic() - since
    assert None not in codes, (
        f"machines {survivors} still running {seconds:.0f} s after the fault:\n"
        + logs_text(tmp_path)
    )
    assert all(code != 0 for code in codes), f"exit codes {codes}"
    for machine in survivors:
        log = (tmp_path / f"machine{machine}.log").read_text(errors="replace")
        assert f"because rank {lost} stopped responding" in log, logs_text(tmp_path)


@pytest.mark.multinode
def test_killed_worker_is_named(tmp_path, machines):
    net = machines(3)
    procs = start_long_run(tmp_path, net)
    # procs[1] is the torchrun agent of machine 1 (ip netns exec replaces itself); its
    # only child is the worker of rank 1.
    (worker,) = child_pids(procs[1].pid)
    os.kill(worker, signal.SIGKILL)
    assert_survivors_name(tmp_path, procs, [0, 2], 1, time.monotonic())


# Slow: about 60 s on a loaded 2-core host, which the CI budget cannot hold with the rest.
@pytest.mark.slow
@pytest.mark.multinode
def test_link_down_is_named(tmp_path, machines):
    net = machines(3)
    procs = start_long_run(tmp_path, net)
    net.link_down(2)
    assert_survivors_name(tmp_path, procs, [0, 1], 2, time.monotonic())


def worker_of_rank(agent: int, rank: int) -> int | None:
    for pid in child_pids(agent):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"RANK={rank}".encode() in environ:
            return pid
    return None


def test_restart_resumes_to_same_metrics(tmp_path):
    epochs, every = 60, 10
    # Dropout on: each rank's random state must be restored, not only rank 0's.
    options = ("--checkpoint-every", str(every), "--resume", "auto", "--dropout", "0.5")
    runs = {name: tmp_path / name for name in ("restarted", "uninterrupted")}
    for folder in runs.values():
        folder.mkdir()
    procs = {
        name: start_one_machine(
            2,
            train_argv(folder / "out", epochs, options),
            folder / "machine.log",
            restarts=1,
        )
        for name, folder in runs.items()
    }
    first = runs["restarted"] / "out" / f"checkpoint_{every:06d}.pt"
    assert wait_for(first.is_file, timeout_s=150), logs_text(runs["restarted"])
    victim = worker_of_rank(procs["restarted"].pid, 1)
    assert victim is not None, "rank 1 is not a child of the torchrun agent"
    os.kill(victim, signal.SIGKILL)
    codes = wait_all(list(procs.values()), timeout_s=240)
    log = logs_text(runs["restarted"])
    assert codes == [0, 0], log + logs_text(runs["uninterrupted"])
    resumed = re.findall(r"resumed from \S+checkpoint_(\d+)\.pt at epoch (\d+)", log)
    assert resumed, f"the restarted workers did not resume:\n{log}"
    assert int(resumed[0][0]) % every == 0
    restarted = read_metrics(runs["restarted"] / "out" / "metrics.jsonl")
    uninterrupted = read_metrics(runs["uninterrupted"] / "out" / "metrics.jsonl")
    assert sorted(restarted) == list(range(1, epochs + 1))
    # The first epoch after the restart also counts the bytes of the new set-up.
    after_restart = int(resumed[-1][1]) + 1
    for record in (restarted[after_restart], uninterrupted[after_restart]):
        for key in [k for k in record if "bytes" in k or k == "per_label"]:
            record.pop(key)
    for epoch in uninterrupted:
        assert restarted[epoch] == uninterrupted[epoch], f"epoch {epoch} differs"
