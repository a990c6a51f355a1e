"""The checkpoint fingerprint counts edges exactly for any number of threads."""

import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def test_fingerprint_counts_edges_above_float32_range(monkeypatch):
    data = Data(x=torch.randn(4, 3), y=torch.tensor([0, 1, 0, 1]),
                edge_index=torch.tensor([[0, 1, 2], [1, 2, 3]]),
                train_mask=torch.ones(4, dtype=torch.bool),
                val_mask=torch.ones(4, dtype=torch.bool),
                test_mask=torch.ones(4, dtype=torch.bool), num_nodes=4)
    graph = LocalGraph.from_data(data)
    trainer = Trainer(TrainConfig(epochs=1, hidden=4), data, graph)
    # float32 cannot represent odd integers above 2**24, so a float32 sum of
    # 2**24 + 1 unit degrees would miss one edge.
    degrees = torch.ones(2**24 + 1)
    monkeypatch.setattr(graph, "in_degree", lambda: degrees)
    threads = torch.get_num_threads()
    try:
        counts = []
        for count in (1, 2):
            torch.set_num_threads(count)
            counts.append(trainer._graph_fingerprint()["num_edges"])
    finally:
        torch.set_num_threads(threads)
    assert counts == [2**24 + 1, 2**24 + 1]
