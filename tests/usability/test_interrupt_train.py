"""Ctrl-C and SIGTERM during ``graphkit train`` in one process: one line, exit 130/143.

The subprocess tests send the signal to a real run after it wrote a few checkpoints.
The in-process tests raise the interrupt at chosen points (while a checkpoint is being
written, before any epoch) to check the message and that no file is half-written.
"""

import json
import re
import subprocess
import textwrap

import pytest
import torch
from graphkit.launch.cli import run
from graphkit.launch.interrupts import Terminated
from script_child import HANDLED_SIGNALS, ScriptChild, last_line_without_traceback

from graphkit.train import checkpoint as checkpoint_module
from graphkit.train.checkpoint import checkpoints_by_epoch, load_checkpoint
from graphkit.train.trainer import Trainer

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 8}"]

# Slows each epoch to 50 ms, so that the signal arrives mid-run after a few checkpoints.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    from graphkit.train.trainer import Trainer
    from graphkit.launch.cli import run

    step = Trainer.train_step

    def slow_step(self):
        time.sleep(0.05)
        return step(self)

    Trainer.train_step = slow_step
    sys.exit(run(sys.argv[1:]))
    """
)


def _train_argv(out, *extra):
    return ["train", *SMALL_GRAPH, "--hidden", "8", "--out", str(out), *extra]


def _metrics_epochs(out):
    """Return the epochs of metrics.jsonl, failing on a line that is not valid JSON."""
    lines = (out / "metrics.jsonl").read_text().splitlines()
    return [json.loads(line)["epoch"] for line in lines]


@pytest.mark.parametrize("signum, code, event", HANDLED_SIGNALS)
def test_signal_keeps_checkpoints(tmp_path, signum, code, event):
    out = tmp_path / "run"
    argv = _train_argv(out, "--epochs", "2000", "--checkpoint-every", "2")
    stderr_path = tmp_path / "stderr.txt"
    with ScriptChild(SCRIPT, argv, stderr_path, stdout=subprocess.PIPE) as child:
        child.wait_until(
            (out / "checkpoint_000004.pt").exists, "the checkpoint of epoch 4"
        )
        second = (out / "checkpoint_000002.pt").read_bytes()
        returncode = child.stop(signum)
        stdout = child.process.stdout.read().decode()

    assert returncode == code
    last = last_line_without_traceback(child.stderr())
    assert stdout == ""
    match = re.fullmatch(
        rf"graphkit train: {event} at epoch (\d+); the checkpoint of epoch (\d+) is in "
        rf"{re.escape(str(out))}, resume with --resume auto",
        last,
    )
    assert match, last

    stopped, saved = int(match.group(1)), int(match.group(2))
    assert saved >= 4
    assert stopped >= saved
    checkpoints = checkpoints_by_epoch(out)
    assert [p.name for p in checkpoints] == [
        f"checkpoint_{epoch:06d}.pt" for epoch in range(2, saved + 1, 2)
    ]
    assert (out / "checkpoint_000002.pt").read_bytes() == second
    assert load_checkpoint(checkpoints[-1])["epoch"] == saved
    epochs = _metrics_epochs(out)
    assert epochs == list(range(1, len(epochs) + 1))
    assert len(epochs) >= saved
    files = {p.name for p in out.iterdir()}
    assert files == {"metrics.jsonl", *(p.name for p in checkpoints)}

    # The folder resumes: the epochs after the checkpoint are trained again.
    resumed = _train_argv(out, "--epochs", str(saved + 1), "--resume", "auto")
    assert run(resumed) == 0
    assert _metrics_epochs(out) == list(range(1, saved + 2))


def test_interrupt_while_saving_keeps_previous(tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"
    save = torch.save
    calls = []

    def save_then_interrupt(state, file):
        calls.append(state.get("epoch"))
        if len(calls) == 2:  # the checkpoint of epoch 2: write part of it, then stop
            file.write(b"PK\x03\x04partial")
            raise KeyboardInterrupt
        save(state, file)

    monkeypatch.setattr(checkpoint_module.torch, "save", save_then_interrupt)
    code = run(_train_argv(out, "--epochs", "5", "--checkpoint-every", "1"))
    err = capfd.readouterr().err
    assert code == 130
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f"graphkit train: interrupted at epoch 2; the checkpoint of epoch 1 is in "
        f"{out}, resume with --resume auto"
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "checkpoint_000001.pt",
        "metrics.jsonl",
    ]
    assert _metrics_epochs(out) == [1, 2]


def test_interrupt_before_first_checkpoint(tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"
    step = Trainer.train_step

    def interrupt_in_epoch_3(self):
        if self.epoch == 3:
            raise KeyboardInterrupt
        return step(self)

    monkeypatch.setattr(Trainer, "train_step", interrupt_in_epoch_3)
    assert run(_train_argv(out, "--epochs", "5")) == 130
    err = capfd.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"graphkit train: interrupted at epoch 3; {out} contains metrics.jsonl but no "
        "checkpoint (--checkpoint-every K writes them), so --resume auto starts that "
        "run again from epoch 1"
    )
    assert sorted(p.name for p in out.iterdir()) == ["metrics.jsonl"]
    assert _metrics_epochs(out) == [1, 2]


def test_sigterm_before_training_removes_new_out(tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"

    def terminate(*args, **kwargs):
        raise Terminated

    monkeypatch.setattr(Trainer, "__init__", terminate)
    assert run(_train_argv(out)) == 143
    err = capfd.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"graphkit train: interrupted by SIGTERM before training started; nothing was "
        f"written to {out}"
    )
    assert "Traceback" not in err
    assert not out.exists()


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_interrupt_without_out(monkeypatch, capfd):
    monkeypatch.setattr(Trainer, "fit", _interrupt)
    assert run(["train", *SMALL_GRAPH, "--epochs", "3"]) == 130
    err = capfd.readouterr().err
    assert err.strip().splitlines()[-1] == (
        "graphkit train: interrupted before the first epoch; nothing was saved, "
        "because --out is not set"
    )


def test_interrupt_while_loading(monkeypatch, capfd):
    from graphkit.launch import cmd_train

    monkeypatch.setattr(cmd_train, "load_local", _interrupt)
    assert run(["train", *SMALL_GRAPH]) == 130
    err = capfd.readouterr().err
    assert err.strip().splitlines()[-1] == (
        "graphkit train: interrupted before training started; nothing was saved, "
        "because --out is not set"
    )


def test_interrupt_while_resuming(tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"
    assert run(_train_argv(out, "--epochs", "3", "--checkpoint-every", "1")) == 0
    metrics = (out / "metrics.jsonl").read_bytes()
    files = sorted(p.name for p in out.iterdir())
    # Resuming from the checkpoint of epoch 2 rewrites metrics.jsonl without epoch 3,
    # then renames it into place.
    monkeypatch.setattr(checkpoint_module.os, "replace", _interrupt)
    resumed = _train_argv(
        out, "--epochs", "3", "--resume", str(out / "checkpoint_000002.pt")
    )
    capfd.readouterr()
    assert run(resumed) == 130
    assert capfd.readouterr().err.strip().splitlines()[-1] == (
        f"graphkit train: interrupted before training started; the checkpoint of epoch 3 "
        f"is in {out}, resume with --resume auto"
    )
    assert (out / "metrics.jsonl").read_bytes() == metrics
    assert sorted(p.name for p in out.iterdir()) == files
