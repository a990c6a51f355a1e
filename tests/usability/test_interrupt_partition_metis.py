"""Ctrl-C and SIGTERM stop ``graphkit partition --method metis`` while METIS runs.

METIS runs in a forked child process. In-process, GKlib's own SIGTERM handler made
METIS fail with RuntimeError("Caught an unknown exception!") and a traceback, and a
Ctrl-C waited until METIS returned. The script below replaces ``pymetis.part_graph``
with a function that behaves that way for 60 s.
"""

import os
import textwrap

import pytest
from script_child import HANDLED_SIGNALS, ScriptChild, last_line_without_traceback

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    import pymetis
    from graphkit.launch.cli import run

    def slow_part_graph(*args, **kwargs):
        # Like GKlib, install a SIGTERM handler, and block SIGINT as a long C call
        # does.
        def gklib_handler(signum, frame):
            raise RuntimeError("Caught an unknown exception!")

        previous = signal.signal(signal.SIGTERM, gklib_handler)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        with open(sys.argv[-1], "w") as marker:
            marker.write(str(os.getpid()))
        try:
            time.sleep(60)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
            signal.signal(signal.SIGTERM, previous)
        raise RuntimeError("the test's METIS ran to its end")

    pymetis.part_graph = slow_part_graph
    sys.exit(run(sys.argv[1:-1]))
    """
)


@pytest.mark.parametrize("signum, code, event", HANDLED_SIGNALS)
def test_signal_stops_metis(tmp_path, signum, code, event):
    out = tmp_path / "parts"
    marker = tmp_path / "metis.pid"
    argv = ["partition", "--dataset-options", "{num_nodes: 40}", "--parts", "2"]
    argv += ["--method", "metis", "--out", str(out), str(marker)]
    with ScriptChild(SCRIPT, argv, tmp_path / "stderr.txt") as child:
        child.wait_until(lambda: marker.exists() and marker.read_text(), "METIS to start")
        returncode = child.stop(signum, timeout=20)

    assert returncode == code
    assert last_line_without_traceback(child.stderr()) == (
        f"graphkit partition: {event}; --out {out} was not written"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metis.pid", "stderr.txt"]
    # The process that ran METIS is gone, not left running alone.
    with pytest.raises(ProcessLookupError):
        os.kill(int(marker.read_text()), 0)
