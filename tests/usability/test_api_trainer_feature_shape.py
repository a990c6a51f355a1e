"""Trainer rejects features that are not an [N, F] matrix, naming the shape and fix.

The model built from a TrainConfig takes its input width from data.x.size(1). Without
the check, a feature vector would fail with "IndexError: Dimension out of range", and
[N, A, B] features would build a first layer of width A that fails on the first
forward pass.
"""

import pytest
import torch
from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from torch import nn
from torch_geometric.data import Data

EDGE_INDEX = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
TRAIN = torch.tensor([True, True, False, False])


def _data(x):
    return Data(
        x=x,
        edge_index=EDGE_INDEX,
        y=torch.tensor([0, 1, 0, 1]),
        train_mask=TRAIN,
        val_mask=~TRAIN,
        test_mask=~TRAIN,
    )


VECTOR_FIX = r"got \[4\]. For one feature per node, use data.x = data.x.view\(-1, 1\)"
TENSOR_FIX = r"got \[4, 2, 3\]. Flatten the features of each node with data.x = "
CASES = {
    "vector": (torch.randn(4), VECTOR_FIX),
    "tensor": (torch.randn(4, 2, 3), TENSOR_FIX),
    "empty": (torch.randn(4, 0), r"data.x has no features \(shape \[4, 0\]\)"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_feature_shape_rejected(case):
    x, message = CASES[case]
    data = _data(x)
    with pytest.raises(ValueError, match=message):
        Trainer(TrainConfig(epochs=1), data, LocalGraph(EDGE_INDEX, 4))


class _SumFeatures(nn.Module):
    """A user model that reads [N, A, B] features, which the trainer passes on."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x, graph):
        return self.lin(x.sum(1))


def test_own_model_takes_any_shape():
    data = _data(torch.randn(4, 2, 3))
    graph = LocalGraph(EDGE_INDEX, 4)
    trainer = Trainer(TrainConfig(epochs=2), data, graph, _SumFeatures())
    assert trainer.fit()["epochs_run"] == 2
