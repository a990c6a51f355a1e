"""GLOO_SOCKET_IFNAME must name interfaces of this machine, else start-up rejects it."""

import os
import socket
import subprocess
import sys

import pytest

from graphkit.distributed.runtime import check_gloo_interfaces, free_port

pytestmark = pytest.mark.skipif(
    "lo" not in [name for _, name in socket.if_nameindex()],
    reason="this machine has no loopback interface named lo",
)


@pytest.mark.parametrize("names", ["lo", "lo,lo", ""])
def test_existing_interfaces_accepted(names):
    check_gloo_interfaces(names)


@pytest.mark.parametrize(
    ("names", "unknown"),
    [("^lo", "'^lo'"), ("lo,10.0.0.1", "'10.0.0.1'"), ("no-such-if0", "'no-such-if0'")],
)
def test_unknown_interface_named(names, unknown):
    with pytest.raises(ValueError) as caught:
        check_gloo_interfaces(names)
    message = str(caught.value)
    assert message.startswith(f"GLOO_SOCKET_IFNAME={names!r} is invalid")
    assert f"no network interface named {unknown}." in message
    present = ", ".join(name for _, name in socket.if_nameindex())
    assert f"Its interfaces are {present}." in message


def test_train_rejects_unknown_interface():
    env = dict(
        os.environ,
        RANK="0",
        WORLD_SIZE="2",
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(free_port()),
        GLOO_SOCKET_IFNAME="^lo",
        OMP_NUM_THREADS="1",
    )
    env.pop("GRAPHKIT_TRACEBACK", None)
    result = subprocess.run(
        [sys.executable, "-m", "graphkit.launch", "train", "--epochs", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (
        "graphkit train: error: GLOO_SOCKET_IFNAME='^lo' is invalid" in result.stderr
    )
