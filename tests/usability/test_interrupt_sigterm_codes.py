"""A real SIGTERM inside cli.run: exit code 143, also for graphkit extras run.

``graphkit extras run`` handles an interrupt itself and returns 130, so cli.run turns
that code into 143 when the interrupt was SIGTERM. The signal is sent to this process,
and the handler that cli.run installs raises it as an exception in the main thread.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from graphkit.launch.cli import run
from toy_experiments import register_toy

from graphkit.train.trainer import Trainer

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 8}"]


def _send_sigterm(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(10)  # the handler raises before the sleep ends
    raise AssertionError("SIGTERM did not interrupt the run")


@pytest.fixture
def terminated_experiment(monkeypatch):
    def run_experiment(config):
        return _send_sigterm()

    yield from register_toy(monkeypatch, "terminated_toy", run_experiment)


def test_extras_sigterm_exit_code(terminated_experiment, capfd):
    assert run(["extras", "run", terminated_experiment]) == 143
    err = capfd.readouterr().err
    assert "interrupted during experiment terminated_toy" in err
    assert "Traceback" not in err


def test_train_sigterm_exit_code(tmp_path, monkeypatch, capfd):
    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(Trainer, "train_step", _send_sigterm)
    out = tmp_path / "run"
    assert run(["train", *SMALL_GRAPH, "--out", str(out)]) == 143
    err = capfd.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"graphkit train: interrupted by SIGTERM at epoch 1; nothing was written to {out}"
    )
    assert not out.exists()
    assert signal.getsignal(signal.SIGTERM) is before
