"""TrainConfig rejects a dropout of 1, which the GNN and GATConv layers accept.

torch.nn.Dropout(p=1) is valid and zeroes its input in training, and PyG's GATConv
takes dropout=1.0 too, so the layers keep that range. A training run with it cannot
learn, so the config error explains why.
"""

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GNN, GATConv
from graphkit.train.config import TrainConfig


@pytest.mark.parametrize("name", ["dropout", "attention_dropout"])
def test_config_full_dropout_reason(name):
    with pytest.raises(ValueError) as caught:
        TrainConfig(**{name: 1.0})
    message = str(caught.value)
    assert message.startswith(f"{name} must lie in [0, 1), got 1.0")
    assert "drops every value in training, so the model cannot learn" in message


def test_layers_accept_full_dropout():
    x = torch.ones(3, 4)
    edge_index = torch.tensor([[0, 1], [1, 2]])
    model = GNN("gcn", 4, 4, 2, num_layers=1, dropout=1.0).train()
    # Every input feature is dropped, so only the bias reaches the output.
    out = model(x, LocalGraph(edge_index, 3))
    assert torch.equal(out, model.layers[0].bias.expand(3, 2))
    assert GATConv(4, 4, dropout=1.0).dropout == 1.0
