"""Ultra.from_pretrained rejects weights with NaN or infinite values."""

import pytest
import torch

from graphkit.kg import Ultra


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_weight_rejected(tmp_path, value):
    torch.manual_seed(0)
    state = Ultra(dim=4, num_layers=1).state_dict()
    state["entity_model.mlp.2.bias"][0] = value
    path = tmp_path / "damaged.pth"
    torch.save({"model": state}, path)
    with pytest.raises(ValueError) as info:
        Ultra.from_pretrained(path)
    message = str(info.value)
    assert message.startswith(f"{path}: the weights 'entity_model.mlp.2.bias' contain")
    assert "contain 1 NaN or infinite values" in message


def test_finite_weights_load(tmp_path):
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)
    path = tmp_path / "model.pth"
    model.save(path)
    loaded = Ultra.from_pretrained(path)
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
