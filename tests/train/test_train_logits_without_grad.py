"""The Trainer names the cause when the model's logits do not require grad."""

import pytest
import torch
from torch import nn
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer

MESSAGE = (
    "the model's logits do not require grad, so the Trainer cannot train it. Either "
    "no parameter has requires_grad=True, or the model's forward detaches its output "
    "or runs under torch.no_grad(). Unfreeze a parameter, or return logits computed "
    "from the trainable parameters"
)


class Detached(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x, graph):
        return self.lin(x).detach()


class Frozen(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 2).requires_grad_(False)

    def forward(self, x, graph):
        return self.lin(x)


def _data():
    train = torch.tensor([True, True, False, False])
    return Data(
        x=torch.randn(4, 3, generator=torch.Generator().manual_seed(0)),
        y=torch.tensor([0, 1, 0, 1]),
        edge_index=torch.tensor([[0, 1, 2], [1, 2, 3]]),
        train_mask=train,
        val_mask=torch.tensor([False, False, True, False]),
        test_mask=torch.tensor([False, False, False, True]),
    )


@pytest.mark.parametrize("model", [Detached, Frozen])
def test_logits_without_grad_named(model):
    data = _data()
    config = TrainConfig(epochs=1, metric="accuracy")
    trainer = Trainer(config, data, LocalGraph.from_data(data), model())
    with pytest.raises(RuntimeError) as error:
        trainer.fit()
    assert str(error.value) == MESSAGE
