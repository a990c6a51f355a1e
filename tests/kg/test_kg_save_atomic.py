"""Ultra.save replaces its file only once the new one is complete."""

import io
import os
import stat
import threading

import pytest
import torch

from graphkit.kg import Ultra


def test_failed_save_keeps_earlier_file(tmp_path, monkeypatch):
    path = tmp_path / "model.pth"
    torch.manual_seed(0)
    Ultra(dim=4, num_layers=1).save(path)
    before = path.read_bytes()

    def broken_save(obj, target):
        with open(target, "wb") as handle:
            handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        Ultra(dim=4, num_layers=1).save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pth"]


def test_save_then_load_round_trip(tmp_path):
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)
    model.save(tmp_path / "model.pth", step=3)
    loaded = Ultra.from_pretrained(tmp_path / "model.pth")
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    assert torch.load(tmp_path / "model.pth", weights_only=True)["step"] == 3


def test_save_to_folder_rejected(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"it is a folder\. Give a file path"):
        Ultra(dim=4, num_layers=1).save(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_save_into_named_pipe(tmp_path):
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    received = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)
    model.save(fifo)
    reader.join(timeout=10)

    # save writes a pipe in place, so the pipe stays and the reader gets the state.
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    state = torch.load(io.BytesIO(received[0]), weights_only=True)
    for key, value in model.state_dict().items():
        assert torch.equal(state["model"][key], value), key
