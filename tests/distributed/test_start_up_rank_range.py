"""Start-up rejects torchrun variables that no rendezvous can complete."""

import time

import pytest
from graphkit.distributed.runtime import _environment
from graphkit.launch.cli import run


@pytest.fixture
def torchrun_variables(monkeypatch):
    """Set the four torchrun variables of a two-rank run. Each test overrides some."""
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "29500")
    return monkeypatch


@pytest.mark.parametrize(
    ("rank", "world_size"), [("2", "2"), ("5", "2"), ("-1", "2"), ("0", "0")]
)
def test_rank_outside_world_rejected(torchrun_variables, rank, world_size):
    torchrun_variables.setenv("RANK", rank)
    torchrun_variables.setenv("WORLD_SIZE", world_size)
    with pytest.raises(ValueError, match=f"RANK={rank} and WORLD_SIZE={world_size}"):
        _environment()


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("RANK", "one", "RANK='one' is not an integer"),
        ("WORLD_SIZE", "2.0", "WORLD_SIZE='2.0' is not an integer"),
        ("MASTER_PORT", "http", "MASTER_PORT='http' is not an integer"),
        (
            "MASTER_PORT",
            "0",
            r"invalid MASTER_PORT=0\. A TCP port lies in \[1, 65535\]",
        ),
        ("MASTER_PORT", "70000", r"invalid MASTER_PORT=70000\."),
        ("MASTER_PORT", "65536", r"invalid MASTER_PORT=65536\."),
    ],
)
def test_invalid_variable_named(torchrun_variables, name, text, expected):
    torchrun_variables.setenv(name, text)
    with pytest.raises(ValueError, match=expected):
        _environment()


def test_valid_variables_accepted(torchrun_variables):
    torchrun_variables.setenv("RANK", "1")
    assert _environment() == (1, 2, "127.0.0.1", 29500)
    # The ends of the port range are valid.
    for port in (1, 65535):
        torchrun_variables.setenv("MASTER_PORT", str(port))
        assert _environment() == (1, 2, "127.0.0.1", port)


def test_train_stops_at_once(torchrun_variables, capsys):
    torchrun_variables.setenv("RANK", "3")
    started = time.monotonic()
    code = run(["train", "--epochs", "1", "--timeout-s", "30"])
    elapsed = time.monotonic() - started
    assert code == 2
    assert elapsed < 20, "the rank waited for the rendezvous timeout"
    error = capsys.readouterr().err
    assert "graphkit train: error: invalid torchrun variables RANK=3" in error
