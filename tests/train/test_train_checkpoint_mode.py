"""Checkpoint files get mode 0o666 minus the umask, as files written with open() do."""

from __future__ import annotations

import os
import stat

import pytest
import torch

from graphkit.kg import Ultra
from graphkit.train.checkpoint import save_checkpoint


@pytest.fixture(params=[0o022, 0o027])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def file_mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_save_checkpoint_mode(tmp_path, umask):
    path = tmp_path / "checkpoint_1.pt"
    save_checkpoint({"epoch": 1}, path)
    plain = tmp_path / "plain"
    plain.write_text("")
    assert file_mode(path) == 0o666 & ~umask
    assert file_mode(path) == file_mode(plain)


def test_downloaded_checkpoint_mode(tmp_path, umask):
    source = tmp_path / "model.pth"
    torch.manual_seed(0)
    Ultra(dim=8, num_layers=1).save(source)
    cache = tmp_path / "cache"
    Ultra.from_pretrained(source.as_uri(), cache_dir=cache)
    [cached] = [path for path in cache.rglob("*") if path.is_file()]
    assert cached.name == "model.pth"
    assert file_mode(cached) == 0o666 & ~umask
