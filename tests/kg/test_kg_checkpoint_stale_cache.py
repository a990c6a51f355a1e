"""A cached released checkpoint with another SHA-256 is named as such, not as missing."""

import hashlib
import urllib.error

import pytest
from graphkit.launch.cli import main

from graphkit.kg import checkpoint
from graphkit.kg.checkpoint import RELEASED, resolve

WRONG_BYTES = b"another checkpoint"


def offline(*args, **kwargs):
    raise urllib.error.URLError("offline")


def test_download_error_names_stale_file(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint.urllib.request, "urlopen", offline)
    cached = tmp_path / "ultra_3g.pth"
    cached.write_bytes(WRONG_BYTES)
    with pytest.raises(ConnectionError) as caught:
        resolve("ultra_3g", cache_dir=tmp_path)
    message = str(caught.value)
    assert message.startswith(f"download of {RELEASED['ultra_3g'][0]} failed: offline.")
    assert message.endswith(
        f"The file there now has sha256 {hashlib.sha256(WRONG_BYTES).hexdigest()}, "
        f"not the expected {RELEASED['ultra_3g'][1]}, so it is another checkpoint or "
        "a damaged copy"
    )
    assert cached.read_bytes() == WRONG_BYTES


def test_download_error_without_cached_file(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint.urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError) as caught:
        resolve("ultra_3g", cache_dir=tmp_path)
    message = str(caught.value)
    assert message.endswith("(path_or_url='/path/to/file.pth').")
    assert "sha256" not in message


def test_cli_list_names_stale_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRAPHKIT_CACHE", str(tmp_path))
    cached = tmp_path / "ultra" / "ultra_3g.pth"
    cached.parent.mkdir()
    cached.write_bytes(WRONG_BYTES)
    assert main(["kg", "list"]) == 0
    lines = {
        line.split()[0]: line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("  ")
    }
    assert lines["ultra_3g"] == (
        f"  ultra_3g   not downloaded ({cached} has another SHA-256, so it would be "
        "downloaded again)"
    )
    assert lines["ultra_4g"] == "  ultra_4g   not downloaded"
