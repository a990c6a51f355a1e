"""Output options given a pipe, a device or ``/dev/stdout`` append to it, not rename over it."""

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from graphkit.atomic_files import is_stream, write_atomically, write_text_atomically
from graphkit.launch.cli import main
from graphkit.launch.outputs import check_output_file


def _read_fifo_in_background(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    """Start a thread that reads ``fifo`` to its end and appends the bytes to a list."""
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, received


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "out.fifo"
    os.mkfifo(path)
    return path


def test_devices_and_pipes_are_streams(tmp_path, fifo):
    regular = tmp_path / "r.json"
    regular.write_text("{}")
    assert is_stream(Path("/dev/null"))
    assert is_stream(fifo)
    assert not is_stream(regular)
    assert not is_stream(tmp_path)
    assert not is_stream(tmp_path / "missing.json")


def test_named_pipe_written_in_place(fifo):
    thread, received = _read_fifo_in_background(fifo)
    write_text_atomically(fifo, "hello\n")
    thread.join(timeout=10)
    assert received == [b"hello\n"]
    # A rename would have replaced the pipe with a regular file.
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir()) == ["out.fifo"]


def test_dev_null_accepted_as_output_file():
    check_output_file(Path("/dev/null"), "--json")


def test_analyze_json_into_pipe(tmp_path, fifo, capsys):
    edges = tmp_path / "e.txt"
    labels = tmp_path / "y.txt"
    edges.write_text("a b\nb c\n")
    labels.write_text("a 0\nb 0\nc 1\n")
    thread, received = _read_fifo_in_background(fifo)
    code = main(["analyze", "--edge-list", str(edges), "--labels", str(labels), "--json",
                 str(fifo)])  # fmt: skip
    thread.join(timeout=30)
    assert code == 0, capsys.readouterr().err
    [summary] = json.loads(received[0])
    assert summary["num_nodes"] == 3
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_dev_stdout_into_regular_file_appends(capfd):
    # pytest's capfd sends descriptor 1 to a regular file, as "> out.txt" does.
    print("table row")
    write_text_atomically(Path("/dev/stdout"), '{"json": 1}\n')
    assert capfd.readouterr().out == 'table row\n{"json": 1}\n'


def test_failed_write_sends_nothing(fifo):
    thread, received = _read_fifo_in_background(fifo)

    def write_half(path: Path) -> None:
        path.write_text("partial")
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomically(fifo, write_half)
    # Opening the pipe for writing ends the reader's open, and closing it at once
    # gives the reader an empty read.
    with open(fifo, "wb"):
        pass
    thread.join(timeout=10)
    assert received == [b""]
