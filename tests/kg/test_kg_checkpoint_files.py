"""Checkpoint files: empty, saved under DistributedDataParallel or torch.compile,
mismatched, or a cached download whose checksum differs."""

import hashlib

import pytest
import torch

from graphkit.kg import Ultra
from graphkit.kg.checkpoint import download


@pytest.fixture()
def state():
    torch.manual_seed(0)
    return Ultra(dim=4, num_layers=2).state_dict()


def test_empty_file_rejected(tmp_path):
    path = tmp_path / "empty.pth"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.pth: not a readable checkpoint"):
        Ultra.from_pretrained(path)


def test_ddp_prefix_stripped(tmp_path, state):
    path = tmp_path / "ddp.pth"
    torch.save({"model": {f"module.{k}": v for k, v in state.items()}}, path)
    model = Ultra.from_pretrained(path)
    for key, value in model.state_dict().items():
        assert torch.equal(value, state[key]), key


@pytest.mark.parametrize(
    "prefix", ["_orig_mod.", "module._orig_mod.", "_orig_mod.module."]
)
def test_compile_prefix_stripped(tmp_path, state, prefix):
    # torch.compile saves the weights of the compiled model under "_orig_mod.".
    path = tmp_path / "compiled.pth"
    torch.save({"model": {f"{prefix}{k}": v for k, v in state.items()}}, path)
    model = Ultra.from_pretrained(path)
    for key, value in model.state_dict().items():
        assert torch.equal(value, state[key]), key


def test_prefix_on_some_keys_kept(tmp_path, state):
    path = tmp_path / "mixed.pth"
    last = list(state)[-1]
    mixed = {(f"_orig_mod.{k}" if k == last else k): v for k, v in state.items()}
    torch.save({"model": mixed}, path)
    with pytest.raises(ValueError, match=r"unexpected keys: _orig_mod\."):
        Ultra.from_pretrained(path)


def test_missing_weights_name_file(tmp_path, state):
    path = tmp_path / "partial.pth"
    del state["entity_model.mlp.0.weight"]
    torch.save(state, path)
    with pytest.raises(
        ValueError,
        match=r"partial\.pth: the saved weights do not fit .*entity_model\.mlp\.0\.weight",
    ):
        Ultra.from_pretrained(path)


def test_cache_with_wrong_checksum_refetched(tmp_path):
    source = tmp_path / "weights.pth"
    source.write_bytes(b"released weights")
    digest = hashlib.sha256(b"released weights").hexdigest()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "weights.pth").write_bytes(b"cut short")
    path = download(source.as_uri(), cache, sha256=digest)
    assert path == cache / "weights.pth"
    assert path.read_bytes() == b"released weights"


def test_download_upper_case_checksum(tmp_path):
    source = tmp_path / "weights.pth"
    source.write_bytes(b"released weights")
    digest = hashlib.sha256(b"released weights").hexdigest().upper()
    cache = tmp_path / "cache"
    path = download(source.as_uri(), cache, sha256=digest)
    assert path.read_bytes() == b"released weights"
    # The second call finds the cached copy instead of downloading again.
    source.unlink()
    assert download(source.as_uri(), cache, sha256=digest) == path
