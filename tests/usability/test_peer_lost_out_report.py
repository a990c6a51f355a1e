"""A lost rank's error line names the newest checkpoint in --out and how to resume."""

import pytest
from graphkit.distributed.comm import PeerLostError
from graphkit.distributed.device import MPI_SIZE_VARIABLES
from graphkit.launch import cmd_train
from graphkit.launch.cli import main, run

LOST = "rank 0: aggregate failed because rank 1 stopped responding (no heartbeat)"


@pytest.fixture(autouse=True)
def one_process(monkeypatch):
    for name in ("WORLD_SIZE", "RANK", *MPI_SIZE_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)


@pytest.fixture
def one_part(tmp_path):
    parts = tmp_path / "parts"
    partition = ["partition", "--parts", "1", "--out", str(parts)]
    assert main([*partition, "--dataset-options", "{num_nodes: 60}"]) == 0
    return parts


def _lose_peer_after_training(monkeypatch):
    """Make graphkit train raise PeerLostError once its epochs have run."""
    original = cmd_train.train

    def train(config, graph, data):
        original(config, graph, data)
        raise PeerLostError(LOST)

    monkeypatch.setattr(cmd_train, "train", train)


def test_lost_peer_names_checkpoint(tmp_path, one_part, monkeypatch, capsys):
    out = tmp_path / "run"
    _lose_peer_after_training(monkeypatch)
    options = ["--epochs", "2", "--checkpoint-every", "1"]
    capsys.readouterr()
    argv = ["train", "--partitions", str(one_part), "--out", str(out), *options]
    assert run(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        f"graphkit train: error: {LOST}. Read the other ranks' output for the cause. "
        f"The checkpoint of epoch 2 is in {out}, resume with --resume auto"
    )


def test_lost_peer_without_out(one_part, monkeypatch, capsys):
    _lose_peer_after_training(monkeypatch)
    options = ["--epochs", "1"]
    capsys.readouterr()
    assert run(["train", "--partitions", str(one_part), *options]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        f"graphkit train: error: {LOST}. Read the other ranks' output for the cause. "
        "Nothing was saved, because --out is not set"
    )


def test_lost_store_message_ends_once(tmp_path):
    from graphkit.train.config import TrainConfig

    error = PeerLostError("Store error: Did the remote server shutdown or crash?")
    config = TrainConfig(out=str(tmp_path / "run"))
    assert str(cmd_train.lost_peer_error(config, error)) == (
        "Store error: Did the remote server shutdown or crash? Read the other ranks' "
        f"output for the cause. Nothing was written to {tmp_path / 'run'}"
    )


def test_lost_peer_keeps_error_type(tmp_path, one_part, monkeypatch):
    _lose_peer_after_training(monkeypatch)
    options = ["--epochs", "1"]
    argv = ["train", "--partitions", str(one_part), "--out", str(tmp_path / "r")]
    with pytest.raises(PeerLostError) as caught:
        main([*argv, *options])
    assert isinstance(caught.value.__cause__, PeerLostError)


def test_lost_peer_keeps_out_case(tmp_path, monkeypatch):
    from graphkit.train.config import TrainConfig

    monkeypatch.chdir(tmp_path)
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "metrics.jsonl").write_text("{}\n")
    error = PeerLostError("rank 1 stopped responding")
    assert str(cmd_train.lost_peer_error(TrainConfig(out="k"), error)) == (
        "rank 1 stopped responding. Read the other ranks' output for the cause. "
        "k contains metrics.jsonl but no checkpoint (--checkpoint-every K writes "
        "them), so --resume auto starts that run again from epoch 1"
    )
