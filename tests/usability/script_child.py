"""Run a Python script in a child interpreter, wait until it is mid-run, then signal it.

The interrupt tests start ``python -c SCRIPT ARGV``, where SCRIPT slows one step of a
graphkit command and then calls ``cli.run``, so that a signal sent after a visible
event (a line on stderr, a file on disk) arrives while the command runs.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Each signal that graphkit handles in one process: the signal, the exit code of the
# command, and the words that start the event in its last stderr line.
HANDLED_SIGNALS = [
    (signal.SIGINT, 130, "interrupted"),
    (signal.SIGTERM, 143, "interrupted by SIGTERM"),
]


class ScriptChild:
    """A child interpreter running ``python -c SCRIPT ARGV``, killed when the block ends.

    With ``stderr_path`` the child's stderr goes to that file. Without it, the child
    shares this process's stderr. ``stdout`` is passed to ``subprocess.Popen``.
    """

    def __init__(
        self,
        script: str,
        argv: list[str],
        stderr_path: Path | None = None,
        stdout: int | None = None,
    ):
        self.stderr_path = stderr_path
        command = [sys.executable, "-c", script, *argv]
        if stderr_path is None:
            self.process = subprocess.Popen(command, stdout=stdout)
        else:
            with stderr_path.open("w") as stderr:
                self.process = subprocess.Popen(command, stderr=stderr, stdout=stdout)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.process.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def stderr(self) -> str:
        """Return what the child has written to ``stderr_path`` so far."""
        assert self.stderr_path is not None, "the child was started without stderr_path"
        return self.stderr_path.read_text()

    def wait_until(
        self, ready: Callable[[], bool], waiting_for: str, timeout: float = 120
    ) -> None:
        """Poll ``ready()`` every 50 ms, and fail if the child exits first or time runs out.

        ``waiting_for`` names the awaited event in the failure message.
        """
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                message = f"the child exited with code {self.process.returncode}"
                message += f" before {waiting_for}"
                if self.stderr_path is not None:
                    message += ":\n" + self.stderr()
                raise AssertionError(message)
            assert time.monotonic() < deadline, (
                f"timed out after {timeout} s waiting for {waiting_for}"
            )
            time.sleep(0.05)

    def stop(self, signum: int, timeout: float = 60) -> int:
        """Send ``signum`` to the child and return its exit code."""
        self.process.send_signal(signum)
        return self.process.wait(timeout=timeout)


def last_line_without_traceback(err: str) -> str:
    """Return the last non-blank line of ``err``, failing if ``err`` has a traceback."""
    assert "Traceback" not in err, err
    return err.strip().splitlines()[-1]
