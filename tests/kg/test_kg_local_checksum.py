"""Ultra.from_pretrained checks a local file against a given sha256."""

import hashlib

import pytest
import torch

from graphkit.kg import Ultra


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=1).save(path)
    return path


def test_local_checksum_mismatch_rejected(saved):
    # Without the check, a wrong checksum of a local file would pass silently.
    with pytest.raises(ValueError, match=r"checksum mismatch for .*model\.pth"):
        Ultra.from_pretrained(saved, sha256="0" * 64)


def test_local_checksum_match_loads(saved):
    digest = hashlib.sha256(saved.read_bytes()).hexdigest()
    assert Ultra.from_pretrained(saved, sha256=digest).config == {
        "dim": 8,
        "num_layers": 1,
    }
    # Hex digits in upper case name the same checksum.
    assert Ultra.from_pretrained(saved, sha256=digest.upper()).config["dim"] == 8
