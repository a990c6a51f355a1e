"""Checkpoint files: empty, saved under DistributedDataParallel, or mismatched."""

import pytest
import torch

from graphkit.kg import Ultra


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


def test_missing_weights_name_file(tmp_path, state):
    path = tmp_path / "partial.pth"
    del state["entity_model.mlp.0.weight"]
    torch.save(state, path)
    with pytest.raises(
        ValueError,
        match=r"partial\.pth: the saved weights do not fit .*entity_model\.mlp\.0\.weight",
    ):
        Ultra.from_pretrained(path)
