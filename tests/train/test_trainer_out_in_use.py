"""A Trainer rejects an out folder that another running process trains into."""

import json
import logging
import os
import subprocess
import sys

import pytest
from test_trainer import run, two_block_graph

from graphkit.graph import LocalGraph
from graphkit.train import out_lock
from graphkit.train.config import TrainConfig
from graphkit.train.out_lock import OutFolderInUseError, OutFolderLock
from graphkit.train.trainer import Trainer

# A child process that locks the folder as a running Trainer does, prints "locked" and
# holds the lock until its standard input closes.
HOLDER = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def other_process_lock():
    children = []

    def hold(folder):
        child = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        assert child.stdout.readline() == "locked\n"
        return child

    yield hold
    for child in children:
        child.stdin.close()
        child.wait(timeout=30)


def _epochs(out):
    lines = (out / "metrics.jsonl").read_text().splitlines()
    return [json.loads(line)["epoch"] for line in lines]


def test_new_run_rejected_while_locked(tmp_path, other_process_lock):
    data = two_block_graph()
    out = tmp_path / "run"
    out.mkdir()
    other_process_lock(out)
    with pytest.raises(OutFolderInUseError) as caught:
        run(data, epochs=2, out=str(out))
    assert str(caught.value) == (
        f"TrainConfig(out={str(out)!r}) is in use by another process that is still "
        "training into it. Wait for it to end or stop it, or choose another out folder"
    )
    assert list(out.iterdir()) == []


def test_resume_keeps_metrics_while_locked(tmp_path, other_process_lock):
    # Resuming cuts metrics.jsonl after the checkpoint's epoch, which would delete the
    # records that the running process has appended since.
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=4, out=str(out), checkpoint_every=2)
    (out / "checkpoint_000004.pt").unlink()
    other_process_lock(out)
    with pytest.raises(OutFolderInUseError):
        run(data, epochs=4, out=str(out), resume="auto")
    assert _epochs(out) == [1, 2, 3, 4]


def test_lock_released_after_fit(tmp_path, other_process_lock):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=1, out=str(out))
    child = other_process_lock(out)  # fails unless fit() dropped the lock
    assert child.poll() is None


def test_lock_released_after_failed_set_up(tmp_path, other_process_lock):
    # restore() rejects best_model.pt after the input checks took the lock.
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=1, out=str(out))
    with pytest.raises(ValueError, match="contains model weights only"):
        run(data, epochs=1, out=str(out), resume=str(out / "best_model.pt"))
    child = other_process_lock(out)  # fails unless the failed Trainer dropped the lock
    assert child.poll() is None


def test_trainers_of_one_process_share_lock(tmp_path):
    data = two_block_graph()
    out = tmp_path / "run"
    config = TrainConfig(epochs=2, out=str(out), log_every=100, checkpoint_every=1)
    first = Trainer(config, data, LocalGraph.from_data(data))
    first.fit()
    resumed = TrainConfig(epochs=3, out=str(out), log_every=100, resume="auto")
    waiting = Trainer(resumed, data, LocalGraph.from_data(data))
    second = Trainer(resumed, data, LocalGraph.from_data(data))
    assert second.fit()["epochs_run"] == 3
    assert waiting.epoch == 2


def test_out_under_file_rejected(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    lock = OutFolderLock(blocker / "run")
    with pytest.raises(ValueError) as caught:
        lock.acquire()
    assert str(caught.value).startswith(
        f"cannot create the out folder {blocker / 'run'} ("
    )
    assert str(caught.value).endswith("). Choose a writable location")
    assert not lock.held


def test_unreadable_out_runs_unlocked(tmp_path, monkeypatch, caplog):
    out = tmp_path / "run"
    real_open = out_lock.os.open

    def open_denied(path, flags, *args):
        if path == os.path.realpath(out):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(out_lock.os, "open", open_denied)
    lock = OutFolderLock(out)
    with caplog.at_level(logging.WARNING):
        lock.acquire()
    assert lock.held
    assert f"cannot open {out} to lock it (Permission denied)" in caplog.text
    lock.release()
    assert not lock.held


def test_running_run_reported_in_use(tmp_path, other_process_lock):
    # The metrics.jsonl of a run that is still training into out is not from an earlier
    # run. So the error must not advise resume="auto", which the lock would reject.
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=2, out=str(out))
    other_process_lock(out)
    with pytest.raises(OutFolderInUseError) as caught:
        run(data, epochs=2, out=str(out))
    assert "is in use by another process that is still training" in str(caught.value)
    assert _epochs(out) == [1, 2]


def test_own_lock_is_not_in_use(tmp_path):
    # A lock that this process holds must not read as another process's run.
    from graphkit.train.checkpoint import check_no_earlier_run

    (tmp_path / "metrics.jsonl").write_text('{"epoch": 1}\n')
    lock = OutFolderLock(tmp_path)
    lock.acquire()
    try:
        with pytest.raises(ValueError) as caught:
            check_no_earlier_run(tmp_path)
    finally:
        lock.release()
    assert not isinstance(caught.value, OutFolderInUseError)
    assert "already contains metrics.jsonl from an earlier run" in str(caught.value)
