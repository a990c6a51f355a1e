"""iSVD node classification and link prediction with every input on a CUDA device.

No GPU is needed: ``SimulatedCuda`` records the tensors created on ``"cuda"`` and raises
where a CUDA run would meet a CPU tensor. The data stays on the CPU and a CUDA
generator draws from the CPU stream, so the results must equal those of a CPU run.
"""

import torch
from simulated_cuda import SimulatedCuda
from torch_geometric.data import Data

from graphkit.embed.deep import FinetuneConfig, SVDInitializedGCN, finetune
from graphkit.embed.linkpred import (
    LinkPredictionConfig,
    run_link_prediction,
    sample_non_edges,
)
from graphkit.embed.nodeclass import NodeClassConfig, accuracy, fit_linear_gcn
from graphkit.embed.wys import wys_matrix

NUM_NODES = 40


def random_graph() -> Data:
    generator = torch.Generator().manual_seed(0)
    edges = torch.randint(0, NUM_NODES, (2, 160), generator=generator)
    train_mask = torch.zeros(NUM_NODES, dtype=torch.bool)
    train_mask[:20] = True
    val_mask = torch.zeros(NUM_NODES, dtype=torch.bool)
    val_mask[20:30] = True
    return Data(
        x=torch.randn(NUM_NODES, 5, generator=generator),
        edge_index=edges,
        y=torch.randint(0, 3, (NUM_NODES,), generator=generator),
        train_mask=train_mask,
        val_mask=val_mask,
        test_mask=~(train_mask | val_mask),
        train_pos_edge_index=edges[:, :120],
        test_pos_edge_index=edges[:, 120:],
        test_neg_edge_index=torch.randint(0, NUM_NODES, (2, 40), generator=generator),
        num_nodes=NUM_NODES,
    )


def on_cuda(data: Data) -> Data:
    return Data(
        **{key: value.cuda() if torch.is_tensor(value) else value for key, value in data}
    )


def test_wys_matrix_on_cuda():
    data = random_graph()
    block = torch.randn(NUM_NODES, 3, generator=torch.Generator().manual_seed(1))
    expected = wys_matrix(data.edge_index, NUM_NODES, window=3) @ block
    with SimulatedCuda() as cuda:
        walk = wys_matrix(data.edge_index.cuda(), NUM_NODES, window=3)
        product = walk @ block.cuda()
        assert cuda.device_of(product) == "cuda"
    assert torch.equal(product, expected)


def test_non_edges_on_cuda():
    data = random_graph()
    expected = sample_non_edges(
        data.edge_index, NUM_NODES, 30, torch.Generator().manual_seed(2)
    )
    with SimulatedCuda() as cuda:
        generator = torch.Generator().manual_seed(2)
        pairs = sample_non_edges(data.edge_index.cuda(), NUM_NODES, 30, generator)
        assert cuda.device_of(pairs) == "cuda"
    assert torch.equal(pairs, expected)


def test_node_classification_on_cuda():
    data = random_graph()
    config = NodeClassConfig(
        svd_rank=8, wys_rank=4, oversample=2, n_iter=2, pca_dim=4, hops=2
    )
    expected = fit_linear_gcn(data, config).logits()
    with SimulatedCuda() as cuda:
        moved = on_cuda(data)
        logits = fit_linear_gcn(moved, config).logits()
        assert cuda.device_of(logits) == "cuda"
        score = accuracy(logits, moved.y, moved.train_mask)
    assert torch.equal(logits, expected)
    assert score == accuracy(expected, data.y, data.train_mask)


def test_link_prediction_on_cuda():
    data = random_graph()
    for rank in (8, 0):  # 0 selects the rank on a split of the training edges.
        config = LinkPredictionConfig(rank=rank, n_iter=2)
        expected = run_link_prediction(data, config)
        with SimulatedCuda():
            result = run_link_prediction(on_cuda(data), config)
        assert result.auc == expected.auc
        assert result.rank == expected.rank


def fine_tuned(data: Data) -> list[dict]:
    """Return the fine-tuning records without their timings."""
    config = NodeClassConfig(
        svd_rank=8, wys_rank=4, oversample=2, n_iter=2, pca_dim=4, hops=2
    )
    solution = fit_linear_gcn(data, config)
    model = SVDInitializedGCN.from_linear_solution(solution, config.hops)
    torch.manual_seed(0)
    records = finetune(
        model, solution.features, solution.adjacency.matrix, data, FinetuneConfig(epochs=3)
    )
    return [{k: v for k, v in record.items() if k != "seconds"} for record in records]


def test_fine_tuning_on_cuda():
    data = random_graph()
    expected = fine_tuned(data)
    with SimulatedCuda():
        records = fine_tuned(on_cuda(data))
    assert len(records) == 4
    assert records == expected
