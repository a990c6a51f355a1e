"""cli.run and cli.main give a Python caller its SIGINT and SIGTERM handlers back.

cli.run turns SIGTERM into an interrupt while a command runs, graphkit partition does so
around its folder write, and the distributed start-up gives SIGINT its system default
action while the ranks meet. ``graphkit train --partitions`` with a one-part folder
takes that start-up path in one process.
"""

import signal

import pytest
from graphkit.launch.cli import main, run

from graphkit.train.trainer import Trainer

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 200, avg_degree: 4, num_features: 8}"]


def _caller_sigint(signum, frame):
    raise AssertionError("the caller's SIGINT handler ran")


def _caller_sigterm(signum, frame):
    raise AssertionError("the caller's SIGTERM handler ran")


@pytest.fixture(scope="module")
def one_part(tmp_path_factory):
    out = tmp_path_factory.mktemp("parts") / "one"
    argv = ["partition", *SMALL_GRAPH, "--parts", "1", "--method", "random"]
    assert main([*argv, "--out", str(out)]) == 0
    return out


@pytest.fixture
def restore_handlers():
    sigint, sigterm = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGINT, sigint)
    signal.signal(signal.SIGTERM, sigterm)


def _commands(one_part, tmp_path):
    return {
        "train": ["train", *SMALL_GRAPH, "--epochs", "1"],
        "train --partitions": ["train", "--partitions", str(one_part), "--epochs", "1"],
        "partition": [
            "partition",
            *SMALL_GRAPH,
            "--parts",
            "1",
            "--method",
            "random",
            "--out",
            str(tmp_path / "parts"),
            "--overwrite",
        ],
    }


@pytest.mark.parametrize("entry", [run, main], ids=["run", "main"])
@pytest.mark.parametrize(
    "sigint",
    [_caller_sigint, signal.default_int_handler, signal.SIG_IGN],
    ids=["own", "python", "ignored"],
)
@pytest.mark.parametrize(
    "sigterm",
    [_caller_sigterm, signal.SIG_DFL, signal.SIG_IGN],
    ids=["own", "default", "ignored"],
)
def test_handlers_restored(
    entry, sigint, sigterm, one_part, tmp_path, restore_handlers
):
    for name, argv in _commands(one_part, tmp_path).items():
        signal.signal(signal.SIGINT, sigint)
        signal.signal(signal.SIGTERM, sigterm)
        assert entry(argv) == 0, name
        assert signal.getsignal(signal.SIGINT) is sigint, name
        assert signal.getsignal(signal.SIGTERM) is sigterm, name


def test_python_sigint_during_distributed_fit(one_part, monkeypatch, restore_handlers):
    # After start-up, Ctrl-C must raise KeyboardInterrupt again, so that a rank
    # removes its temporary files and leaves the process group in order.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    fit = Trainer.fit
    during_fit = []

    def record_sigint(self):
        during_fit.append(signal.getsignal(signal.SIGINT))
        return fit(self)

    monkeypatch.setattr(Trainer, "fit", record_sigint)
    assert run(["train", "--partitions", str(one_part), "--epochs", "1"]) == 0
    assert during_fit == [signal.default_int_handler]
