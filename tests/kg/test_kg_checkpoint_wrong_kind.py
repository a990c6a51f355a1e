"""A torch file that contains another model's weights is rejected with its path."""

import pytest
import torch

from graphkit.kg import Ultra


def test_other_model_names_file(tmp_path):
    path = tmp_path / "linear.pth"
    torch.save(torch.nn.Linear(2, 2).state_dict(), path)
    with pytest.raises(ValueError) as error:
        Ultra.from_pretrained(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert "not an ULTRA checkpoint" in message
    assert "['weight', 'bias']" in message


def test_other_model_in_model_key(tmp_path):
    # The layout of a training checkpoint of another model: weights under "model".
    path = tmp_path / "gnn.pt"
    torch.save({"model": {"conv.weight": torch.zeros(2, 2)}}, path)
    with pytest.raises(ValueError) as error:
        Ultra.from_pretrained(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert "ultra_3g" in message


def test_unknown_layout_names_keys(tmp_path):
    # The layout of a PyTorch Lightning checkpoint: weights under "state_dict".
    path = tmp_path / "lightning.ckpt"
    state = {"relation_model.w": torch.zeros(1)}
    torch.save({"state_dict": state, "epoch": 3, "optimizer_states": []}, path)
    with pytest.raises(ValueError) as error:
        Ultra.from_pretrained(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert "'state_dict', 'epoch', 'optimizer_states'" in message
    assert "key 'model'" in message


def test_unknown_layout_many_keys(tmp_path):
    path = tmp_path / "many.pth"
    torch.save({f"k{i}": [i] for i in range(7)}, path)
    with pytest.raises(ValueError) as error:
        Ultra.from_pretrained(path)
    assert "'k0', 'k1', 'k2', 'k3', 'k4' and 2 more" in str(error.value)


def test_tensor_file_names_type(tmp_path):
    path = tmp_path / "tensor.pth"
    torch.save(torch.zeros(3), path)
    with pytest.raises(ValueError) as error:
        Ultra.from_pretrained(path)
    assert str(error.value).endswith("but the file contains a Tensor")
