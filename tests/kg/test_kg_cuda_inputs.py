"""Triples given on a GPU work with a model on the GPU (runs only where CUDA exists)."""

import pytest
import torch

from graphkit.kg import (
    KnowledgeGraph,
    LinkPredictionSet,
    Ultra,
    build_relation_graph,
    evaluate,
)
from graphkit.kg.graph import check_triples

needs_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device"
)


def test_check_triples_returns_cpu_tensor():
    triples = check_triples(torch.tensor([[0, 0, 1]], dtype=torch.int32))
    assert triples.device.type == "cpu"
    assert triples.dtype == torch.long


@needs_cuda
def test_cuda_triples_evaluate_and_score():
    triples = torch.tensor([[0, 0, 1], [1, 1, 2], [2, 0, 0]], device="cuda")
    kg = KnowledgeGraph(triples, ["a", "b", "c"], ["r", "s"])
    assert kg.triples.device.type == "cpu"
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1).cuda()
    dataset = LinkPredictionSet(kg, triples[:1], triples)
    metrics = evaluate(model, dataset)
    assert metrics["num_ranks"] == 2
    assert model.score(kg, triples).shape == (3,)


@needs_cuda
def test_relation_graph_on_cuda_matches_cpu():
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 2, 0, 1]])
    edge_type = torch.tensor([0, 1, 2, 3])
    cpu = build_relation_graph(edge_index, edge_type, 3, 4)
    gpu = build_relation_graph(edge_index.cuda(), edge_type.cuda(), 3, 4)
    assert torch.equal(gpu.edge_index.cpu(), cpu.edge_index)
    assert torch.equal(gpu.edge_type.cpu(), cpu.edge_type)
    assert gpu.edge_type.device.type == "cuda"
