"""Training across namespace machines gives the metrics of one machine, bit for bit."""

from __future__ import annotations

import subprocess
import sys

import pytest
from multinode_runs import (
    MASTER_PORT,
    logs_text,
    read_metrics,
    start_c10d,
    start_one_machine,
    start_static,
    train_argv,
    wait_all,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.multinode, pytest.mark.distributed]

EPOCHS = 4


def compare_runs(tmp_path, net, start, nproc):
    """Run the job on ``net`` and on one machine side by side; compare metrics.jsonl."""
    total = net.count * nproc
    multi_logs, single_logs = tmp_path / "multi", tmp_path / "single"
    multi_logs.mkdir()
    single_logs.mkdir()
    reference = start_one_machine(
        total, train_argv(single_logs / "out", EPOCHS), single_logs / "machine.log"
    )
    procs = start(net, nproc, train_argv(multi_logs / "out", EPOCHS), multi_logs)
    codes = wait_all([*procs, reference], timeout_s=180)
    assert codes == [0] * (net.count + 1), logs_text(multi_logs) + logs_text(
        single_logs
    )
    multi = read_metrics(multi_logs / "out" / "metrics.jsonl")
    single = read_metrics(single_logs / "out" / "metrics.jsonl")
    assert sorted(multi) == list(range(1, EPOCHS + 1))
    for epoch in single:
        assert multi[epoch] == single[epoch], f"epoch {epoch} differs"
    return multi_logs


def test_two_machines_static_rendezvous(tmp_path, machines):
    net = machines(2)
    logs = compare_runs(tmp_path, net, start_static, nproc=1)
    assert "partition 0 of 2" in (logs / "machine0.log").read_text()


# Slow: about 45 s on a loaded 2-core host, which the CI budget cannot hold with the rest.
@pytest.mark.slow
def test_three_machines_c10d_rendezvous(tmp_path, machines):
    net = machines(3)
    compare_runs(tmp_path, net, start_c10d, nproc=1)


def listening_addresses(net, machine: int) -> list[str]:
    output = subprocess.run(
        ["ip", "netns", "exec", net.machines[machine], "ss", "-Hltn"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.split()[3] for line in output.splitlines()]


def test_listeners_bind_given_addresses(tmp_path, machines):
    # Started without torchrun, rank 0 of graphkit hosts the store itself.
    net = machines(2)
    out = tmp_path / "out"
    for i in range(2):
        env = {
            **worker_env(net.interface(i)),
            "RANK": str(i),
            "WORLD_SIZE": "2",
            "MASTER_ADDR": net.address(0),
            "MASTER_PORT": str(MASTER_PORT),
        }
        argv = [sys.executable, *train_argv(out, 2000, ("--patience", "0"))]
        net.start(i, argv, env, tmp_path / f"machine{i}.log")
    metrics = out / "metrics.jsonl"
    started = wait_for(lambda: metrics.is_file() and metrics.stat().st_size > 0, 150)
    assert started, logs_text(tmp_path)
    for i in range(2):
        listeners = listening_addresses(net, i)
        assert listeners, f"machine {i} listens on nothing"
        for local in listeners:
            assert local.rsplit(":", 1)[0] == net.address(i), (
                f"machine {i} listens on {local}, not only on {net.address(i)}"
            )
    assert f"{net.address(0)}:{MASTER_PORT}" in listening_addresses(net, 0)
