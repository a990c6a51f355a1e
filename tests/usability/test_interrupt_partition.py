"""Ctrl-C and SIGTERM during ``graphkit partition``, and train on a half-written folder.

The partitions are written into a hidden temporary sibling of ``--out`` that is renamed
when complete. An interrupt removes that sibling and leaves ``--out`` as it was. A kill
that no handler sees (SIGKILL) leaves the sibling behind, and graphkit train rejects it
because it has no ``meta.json``.
"""

import json
import signal
import textwrap
from contextlib import contextmanager

import pytest
from graphkit.distributed import files
from graphkit.launch.cli import main, run
from script_child import HANDLED_SIGNALS, ScriptChild, last_line_without_traceback

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 4}"]

# Writes the first partition file for real, then waits before the second, so that the
# signal arrives while the temporary folder is half-written.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import graphkit.distributed.files as files
    from graphkit.launch.cli import run

    payloads = files.partition_payloads

    def slow_payloads(*args, **kwargs):
        for index, item in enumerate(payloads(*args, **kwargs)):
            if index == 1:
                time.sleep(60)
            yield item

    files.partition_payloads = slow_payloads
    sys.exit(run(sys.argv[1:]))
    """
)


def _partition_argv(out, *extra, parts=2):
    argv = ["partition", *SMALL_GRAPH, "--parts", str(parts), "--method", "random"]
    return [*argv, "--out", str(out), *extra]


@contextmanager
def _started_partition(out, tmp_path, *extra):
    """Start graphkit partition, and yield it once the first part file is written."""
    argv = _partition_argv(out, *extra)
    with ScriptChild(SCRIPT, argv, tmp_path / "stderr.txt") as child:
        child.wait_until(
            lambda: any(out.parent.glob(f".{out.name}.*.tmp/**/part-0000.pt")),
            "part-0000.pt in the temporary folder",
        )
        yield child


@pytest.mark.parametrize("signum, code, event", HANDLED_SIGNALS)
def test_signal_leaves_no_folder(tmp_path, signum, code, event):
    folder = tmp_path / "work"
    folder.mkdir()
    out = folder / "parts"
    with _started_partition(out, tmp_path) as child:
        returncode = child.stop(signum)

    assert returncode == code
    assert last_line_without_traceback(child.stderr()) == (
        f"graphkit partition: {event}; --out {out} was not written"
    )
    assert list(folder.iterdir()) == []


def test_sigint_keeps_earlier_folder(tmp_path):
    folder = tmp_path / "work"
    out = folder / "parts"
    out.mkdir(parents=True)
    (out / "meta.json").write_text('{"num_parts": 7}')
    with _started_partition(out, tmp_path, "--overwrite") as child:
        returncode = child.stop(signal.SIGINT)

    assert returncode == 130
    assert last_line_without_traceback(child.stderr()) == (
        f"graphkit partition: interrupted; --out {out} is left as it was"
    )
    assert [p.name for p in folder.iterdir()] == ["parts"]
    assert [p.name for p in out.iterdir()] == ["meta.json"]
    assert json.loads((out / "meta.json").read_text()) == {"num_parts": 7}


def test_train_rejects_killed_partition(tmp_path, capsys):
    out = tmp_path / "parts"
    with _started_partition(out, tmp_path) as child:
        child.stop(signal.SIGKILL)
    (half_written,) = tmp_path.glob(".parts.*.tmp")
    # write_partitions writes the files into its own hidden staging folder inside.
    written = [p.name for p in half_written.rglob("*") if p.is_file()]
    assert written == ["part-0000.pt"]
    assert not out.exists()

    capsys.readouterr()
    assert run(["train", "--partitions", str(half_written), "--epochs", "1"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(
        f"graphkit train: error: {half_written / 'meta.json'} not found: "
        f"{half_written} is not a partition folder"
    )


def test_train_rejects_truncated_part_file(tmp_path, capsys):
    out = tmp_path / "parts"
    assert main(_partition_argv(out, parts=1)) == 0
    part = out / "part-0000.pt"
    part.write_bytes(part.read_bytes()[:100])

    capsys.readouterr()
    assert run(["train", "--partitions", str(out), "--epochs", "1"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(f"graphkit train: error: partition file {part} is corrupted")


def test_interrupt_in_process_raises(tmp_path, monkeypatch):
    """cli.main, the Python entry, still raises KeyboardInterrupt for its caller."""

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "partition_payloads", interrupt)
    with pytest.raises(KeyboardInterrupt):
        main(_partition_argv(tmp_path / "parts"))
    assert list(tmp_path.iterdir()) == []
