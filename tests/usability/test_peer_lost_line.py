"""A lost rank ends graphkit commands with one error line and exit code 1."""

import pytest
from graphkit.distributed.comm import PeerLostError
from graphkit.launch import cli

MESSAGE = "rank 1 stopped responding (its process exited or hung)"


@pytest.fixture
def lost_peer(monkeypatch):
    def main(argv):
        raise PeerLostError(MESSAGE)

    monkeypatch.setattr(cli, "main", main)
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)


def test_lost_peer_one_line_exit_one(lost_peer, capsys):
    assert cli.run(["train"]) == 1
    assert capsys.readouterr().err == f"graphkit train: error: {MESSAGE}\n"


def test_lost_peer_traceback_on_request(lost_peer, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_TRACEBACK", "1")
    with pytest.raises(PeerLostError):
        cli.run(["train"])
