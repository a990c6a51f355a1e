"""A Trainer trains on data created under torch.inference_mode() as on normal data."""

import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def tiny_data(multi_label=False):
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.tensor([[0, 1, 2, 3, 4, 5], [1, 0, 3, 2, 5, 4]])
    masks = torch.tensor(
        [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 0], [0, 0, 0, 0, 0, 1]], dtype=torch.bool
    )
    y = torch.tensor([[0, 1], [1, 0], [1, 1], [0, 1], [1, 0], [0, 0]])
    return Data(x=torch.randn(6, 3, generator=generator),
                y=y if multi_label else y[:, 0], edge_index=edge_index,
                train_mask=masks[0], val_mask=masks[1], test_mask=masks[2],
                num_nodes=6)  # fmt: skip


def losses(data, graph):
    trainer = Trainer(TrainConfig(epochs=3, metric="auto", seed=1), data, graph)
    return [trainer.train_step() for _ in range(3)]


def test_inference_data_matches_normal_data():
    for multi_label in (False, True):
        expected = losses(tiny_data(multi_label), LocalGraph.from_data(tiny_data()))
        with torch.inference_mode():
            data = tiny_data(multi_label)
            graph = LocalGraph.from_data(data)
        assert data.train_mask.is_inference()
        # Autograd saves the mask of logits[mask] for backward, so it must not be an
        # inference tensor.
        assert losses(data, graph) == expected
