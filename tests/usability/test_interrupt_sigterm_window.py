"""sigterm_as_interrupt keeps an ignored SIGTERM ignored and hands late ones back."""

import os
import signal
import subprocess
import sys

import pytest
from graphkit.launch.interrupts import Terminated, sigterm_as_interrupt


@pytest.fixture
def restore_sigterm():
    sigterm = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, sigterm)


def test_ignored_sigterm_stays_ignored(restore_sigterm):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with sigterm_as_interrupt() as record:
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGTERM)
    assert record.terminated is False
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN


def test_cli_run_ignores_ignored_sigterm(tmp_path):
    # A child started with SIGTERM ignored sends itself SIGTERM during a command and
    # must finish it with exit code 0, as it would without graphkit.
    script = tmp_path / "child.py"
    script.write_text(
        "import os, signal, sys\n"
        "from graphkit.launch import cli\n"
        "def send_sigterm(args):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return 0\n"
        "cli.main = lambda argv=None: send_sigterm(argv)\n"
        "sys.exit(cli.run(['train']))\n"
    )
    child = subprocess.run(
        [sys.executable, str(script)],
        preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    assert child.stderr == ""


def test_late_sigterm_goes_to_earlier_handler(restore_sigterm):
    # The handler may run after the block's exit started but before it restored the
    # earlier handler. It must then call that handler instead of raising Terminated.
    received = []
    signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    with sigterm_as_interrupt() as record:
        handler = signal.getsignal(signal.SIGTERM)
    handler(signal.SIGTERM, None)
    assert received == [signal.SIGTERM]
    assert record.terminated is False


def test_sigterm_inside_block_raises(restore_sigterm):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with pytest.raises(Terminated), sigterm_as_interrupt() as record:
        os.kill(os.getpid(), signal.SIGTERM)
    assert record.terminated is True
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
