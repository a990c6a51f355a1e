"""``graphkit partition`` stopped by SIGTERM leaves neither --out nor its temporary folder."""

import signal
import textwrap

from script_child import ScriptChild

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
    # The child's stderr is not written to a file, because tmp_path must end empty.
    with ScriptChild(SCRIPT, [str(out)]) as child:
        child.wait_until(
            lambda: any(tmp_path.glob(".parts.*.tmp/**/part-0000.pt")),
            "a part file in the temporary folder",
        )
        code = child.stop(signal.SIGTERM, timeout=30)
    assert code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
