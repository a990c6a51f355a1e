"""``graphkit partition`` stopped by SIGTERM leaves neither --out nor its temporary folder."""

import signal
import subprocess
import sys
import textwrap
import time

# Runs the command with a write_partitions that writes one file and then waits, so that
# the signal arrives while the temporary folder exists.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import graphkit.distributed.files as files
    from graphkit.launch.cli import run

    def slow_write(data, parts, num_parts, folder, info):
        (folder / "part-0000.pt").write_bytes(b"partial")
        time.sleep(60)

    files.write_partitions = slow_write
    sys.exit(run(["partition", "--dataset-options", "{num_nodes: 40}", "--parts", "2",
                  "--method", "random", "--out", sys.argv[1]]))
    """
)


def test_sigterm_removes_temporary_folder(tmp_path):
    out = tmp_path / "parts"
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(out)])
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".parts.*.tmp/part-0000.pt")):
            assert process.poll() is None, "partition exited before writing"
            assert time.monotonic() < deadline, "no temporary folder after 120 s"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    finally:
        process.kill()
    assert code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
