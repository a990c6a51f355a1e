"""Command lines and result readers for ``graphkit train`` under torchrun on namespaces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from multinode_net import NamespaceNet

# Fields of a metrics.jsonl record that depend on timing or memory, not on the maths.
VOLATILE = (
    "epoch_time_s",
    "peak_memory_bytes",
    "peak_host_bytes",
    "peak_cuda_bytes",
    "rss_bytes",
    "peak_rss_bytes",
    "fetched_peak_bytes",
)
MASTER_PORT = 29511


def train_argv(out: Path, epochs: int, extra: tuple[str, ...] = ()) -> list[str]:
    """``graphkit train`` on a 600-node synthetic graph with dropout off."""
    return [
        "-m",
        "graphkit.launch",
        "train",
        "--epochs",
        str(epochs),
        "--dropout",
        "0",
        "--dataset-options",
        "{num_nodes: 600}",
        "--out",
        str(out),
        *extra,
    ]


def worker_env(interface: str | None = None) -> dict[str, str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    if interface is not None:
        env["GLOO_SOCKET_IFNAME"] = interface
    return env


def start_static(
    net: NamespaceNet, nproc: int, train: list[str], logs: Path, restarts: int = 0
) -> list[subprocess.Popen]:
    """Start one torchrun agent per machine with the static rendezvous on machine 0."""
    procs = []
    for i in range(net.count):
        argv = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            f"--nnodes={net.count}",
            f"--node_rank={i}",
            f"--nproc_per_node={nproc}",
            f"--master_addr={net.address(0)}",
            f"--master_port={MASTER_PORT}",
            f"--local_addr={net.address(i)}",
            f"--max_restarts={restarts}",
            *train,
        ]
        env = worker_env(net.interface(i))
        procs.append(net.start(i, argv, env, logs / f"machine{i}.log"))
    return procs


def start_c10d(
    net: NamespaceNet, nproc: int, train: list[str], logs: Path, restarts: int = 0
) -> list[subprocess.Popen]:
    """Start one torchrun agent per machine with the c10d rendezvous hosted on machine 0."""
    procs = []
    for i in range(net.count):
        argv = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            f"--nnodes={net.count}",
            f"--nproc_per_node={nproc}",
            "--rdzv_backend=c10d",
            f"--rdzv_endpoint={net.address(0)}:{MASTER_PORT}",
            "--rdzv_id=graphkit-test",
            # torchrun guesses the host from the hostname, which all namespaces share.
            f"--rdzv_conf=is_host={str(i == 0).lower()}",
            f"--local_addr={net.address(i)}",
            f"--max_restarts={restarts}",
            *train,
        ]
        env = worker_env(net.interface(i))
        procs.append(net.start(i, argv, env, logs / f"machine{i}.log"))
    return procs


def start_one_machine(nproc: int, train: list[str], log: Path, restarts: int = 0):
    """torchrun with ``nproc`` processes on the host's loopback (the reference run)."""
    argv = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={nproc}",
        f"--max_restarts={restarts}",
        *train,
    ]
    with open(log, "wb") as stream:
        return subprocess.Popen(
            argv,
            env=worker_env(),
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_all(procs: list[subprocess.Popen], timeout_s: float) -> list[int | None]:
    """Exit codes of ``procs``, None for a process still running after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=max(0.1, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            codes.append(None)
    return codes


def read_metrics(path: Path) -> dict[int, dict]:
    """Records of metrics.jsonl by epoch without volatile fields (a rerun epoch wins)."""
    records = {}
    for line in path.read_text().splitlines():
        record = json.loads(line)
        for key in VOLATILE:
            record.pop(key, None)
        records[record["epoch"]] = record
    return records


def logs_text(logs: Path) -> str:
    return "\n".join(
        f"== {p.name}\n{p.read_text(errors='replace')[-4000:]}"
        for p in sorted(logs.glob("*.log"))
    )


def wait_for(condition, timeout_s: float, poll_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll_s)
    return False


def child_pids(parent: int) -> list[int]:
    """Process ids whose parent is ``parent`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name in brackets may contain spaces; the ppid follows it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            found.append(int(entry.name))
    return found
