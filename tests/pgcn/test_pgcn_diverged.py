"""PGCNConv reports non-finite or huge attention embeddings as a diverged run."""

import pytest
import torch
from torch import nn
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.nn.models import GNN
from graphkit.nn.pgcn import PGCNConv
from graphkit.train import TrainConfig, Trainer


def small_graph():
    edge_index = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
    return LocalGraph(edge_index, 4)


def test_nan_feature_named():
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    x[2, 1] = float("nan")
    with pytest.raises(
        FloatingPointError,
        match=r"input x \(the node features in a first layer\) contains 1 NaN",
    ) as info:
        PGCNConv(3, 2)(x, small_graph())
    assert "(first at node 2, column 1)" in str(info.value)


def test_nan_weights_named():
    torch.manual_seed(0)
    layer = PGCNConv(3, 2)
    with torch.no_grad():
        layer.lin_embed.weight[0, 0] = float("nan")
    with pytest.raises(
        FloatingPointError, match="although the layer's input x is finite"
    ):
        layer(torch.randn(4, 3), small_graph())


def test_huge_weights_named():
    torch.manual_seed(0)
    layer = PGCNConv(3, 2)
    with torch.no_grad():
        layer.lin_embed.weight.mul_(1e12)
    with pytest.raises(FloatingPointError, match="too large to place on the lattice"):
        layer(torch.randn(4, 3), small_graph())


class DivergesAtStep(nn.Module):
    """PGCN model that diverges in its training forward pass number ``step``.

    That pass scales the attention embedding weights of the first layer by 1e12, as a
    diverged optimizer step would.
    """

    def __init__(self, step: int):
        super().__init__()
        self.gnn = GNN("pgcn", 8, 8, 2, 2, 0.0, heads=1)
        self.step, self.calls = step, 0

    def forward(self, x, graph):
        if self.training:
            self.calls += 1
            if self.calls == self.step:
                with torch.no_grad():
                    self.gnn.layers[0].lin_embed.weight.mul_(1e12)
        return self.gnn(x, graph)


def test_trainer_keeps_best_epoch(tmp_path):
    # A diverged lattice layer stops the run like a NaN loss, so best_model.pt is written.
    torch.manual_seed(0)
    n = 30
    x = torch.randn(n, 8)
    y = torch.arange(n) % 2
    masks = torch.zeros(3, n, dtype=torch.bool)
    for split in range(3):
        masks[split, split::3] = True

    edge_index = torch.stack([torch.arange(n), (torch.arange(n) + 2) % n])
    data = Data(
        x=x,
        y=y,
        edge_index=edge_index,
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
        num_nodes=n,
    )

    config = TrainConfig(
        epochs=5,
        log_every=100,
        patience=0,
        lr=0.01,
        out=str(tmp_path / "run"),
        checkpoint_every=1,
    )
    trainer = Trainer(config, data, LocalGraph.from_data(data), DivergesAtStep(3))
    with pytest.raises(FloatingPointError, match="head 0"):
        trainer.fit()

    best = torch.load(tmp_path / "run" / "best_model.pt", weights_only=True)
    assert best["epoch"] in (1, 2)
