"""Two namespace machines train without GLOO_SOCKET_IFNAME.

All namespaces share the host's name and ``/etc/hosts``, so gloo's own choice is a
loopback address in each of them, as on hosts whose name maps to 127.0.1.1. Start-up
must pick the interface towards MASTER_ADDR instead.
"""

from __future__ import annotations

import multinode_runs
import pytest
from multinode_runs import logs_text, start_static, train_argv, wait_all

pytestmark = [pytest.mark.multinode, pytest.mark.distributed]


def test_two_machines_without_gloo_interface(tmp_path, machines, monkeypatch):
    net = machines(2)
    with_interface = multinode_runs.worker_env
    monkeypatch.setattr(
        multinode_runs, "worker_env", lambda interface=None: with_interface(None)
    )
    procs = start_static(net, 1, train_argv(tmp_path / "out", 2), tmp_path)
    codes = wait_all(procs, timeout_s=180)
    assert codes == [0, 0], logs_text(tmp_path)
    assert "GLOO_SOCKET_IFNAME=" in (tmp_path / "machine0.log").read_text()
