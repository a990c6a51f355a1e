"""The Trainer rejects model outputs that are not one row of logits per node."""

import pytest
import torch
from torch import nn
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


class LogitsAndEmbedding(nn.Module):
    """Model that returns ``(logits, embedding)``, as models with an auxiliary output do."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x, graph):
        h = graph.aggregate(x, "mean")
        return self.lin(h), h


class GraphLevel(nn.Module):
    """Model that returns one row of logits for the whole graph."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x, graph):
        return self.lin(x.mean(0, keepdim=True))


def _data():
    mask = torch.tensor([True, True, False, False])
    return Data(
        x=torch.randn(4, 3, generator=torch.Generator().manual_seed(0)),
        y=torch.tensor([0, 1, 0, 1]),
        edge_index=torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]]),
        train_mask=mask,
        val_mask=~mask,
        test_mask=~mask,
    )


def _trainer(model):
    data = _data()
    return Trainer(TrainConfig(epochs=1), data, LocalGraph.from_data(data), model=model)


def test_tuple_output_rejected():
    trainer = _trainer(LogitsAndEmbedding())
    with pytest.raises(TypeError) as error:
        trainer.fit()
    message = str(error.value)
    assert message.startswith("the model returned a tuple of 2 items, but the Trainer")
    assert "returns model(x, graph)[0]" in message


def test_tuple_output_rejected_in_evaluate():
    with pytest.raises(TypeError, match="the model returned a tuple of 2 items"):
        _trainer(LogitsAndEmbedding()).evaluate()


def test_graph_level_output_rejected():
    with pytest.raises(ValueError) as error:
        _trainer(GraphLevel()).fit()
    message = str(error.value)
    assert message.startswith("the model returned logits of shape [1, 2]")
    assert "a row for each of the 4 nodes" in message


def test_wrapped_tuple_model_trains():
    class FirstOutput(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = LogitsAndEmbedding()

        def forward(self, x, graph):
            return self.model(x, graph)[0]

    summary = _trainer(FirstOutput()).fit()
    assert summary["epochs_run"] == 1
