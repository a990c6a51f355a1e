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
