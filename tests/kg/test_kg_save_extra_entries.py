"""Ultra.save rejects extra entries that would make its file unloadable or weightless."""

import dataclasses
from pathlib import Path

import pytest
import torch

from graphkit.kg import TrainConfig, Ultra


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "model.pth"
    Ultra(dim=4, num_layers=1).save(path)
    return path


@pytest.mark.parametrize("key", ["model", "config"])
def test_reserved_key_rejected(saved, key):
    before = saved.read_bytes()
    with pytest.raises(ValueError, match=f"extra entry {key}=... would replace"):
        Ultra(dim=4, num_layers=1).save(saved, **{key: 123})
    assert saved.read_bytes() == before


@pytest.mark.parametrize(
    "value, shown",
    [(TrainConfig(steps=3), "TrainConfig"), (Path("/data"), type(Path()).__name__)],
)
def test_unloadable_value_rejected(saved, value, shown):
    # Such a value would make torch.load(weights_only=True) fail on the whole file.
    before = saved.read_bytes()
    with pytest.raises(ValueError, match=f"cannot store extra={shown}"):
        Ultra(dim=4, num_layers=1).save(saved, extra=value)
    assert saved.read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["model.pth"]


def test_plain_extra_values_load(tmp_path):
    path = tmp_path / "model.pth"
    settings = dataclasses.asdict(TrainConfig(steps=3))
    Ultra(dim=4, num_layers=1).save(path, train_config=settings, source="/data", step=7)
    Ultra.from_pretrained(path)
    payload = torch.load(path, weights_only=True)
    assert payload["train_config"]["steps"] == 3
    assert payload["source"] == "/data"
    assert payload["step"] == 7
