"""ULTRA scoring, evaluation and training with the model on a CUDA device match the CPU.

No GPU is needed: ``SimulatedCuda`` records the tensors created on ``"cuda"`` and raises
where a CUDA run would meet a CPU tensor. The data stays on the CPU and the random
draws come from CPU generators, so every value must equal the CPU run's.
"""

import pytest
import torch
from graphkit.kg import KnowledgeGraph, LinkPredictionSet, Ultra, evaluate
from graphkit.kg.aggregate import aggregate_lean
from graphkit.kg.train import pretrain
from simulated_cuda import SimulatedCuda

TRIPLES = torch.tensor([[0, 0, 1], [1, 1, 2], [2, 0, 0], [3, 1, 0], [1, 0, 3], [2, 1, 3]])


def graph() -> KnowledgeGraph:
    return KnowledgeGraph(TRIPLES, ["a", "b", "c", "d"], ["r", "s"])


def model(device: str) -> Ultra:
    torch.manual_seed(0)
    return Ultra(dim=4, num_layers=2).to(device)


def score_everything(device: str) -> tuple:
    kg, ultra = graph(), model(device)
    metrics = evaluate(ultra, LinkPredictionSet(kg, TRIPLES[:3], TRIPLES))
    scores = ultra.score(kg, TRIPLES.to(device))
    answers = ultra.predict(kg, head="a", relation="r", k=3, exclude_known=True)
    return metrics, scores, answers


def test_scoring_on_cuda_matches_cpu():
    expected = score_everything("cpu")
    with SimulatedCuda():
        metrics, scores, answers = score_everything("cuda")
    assert metrics == expected[0]
    assert torch.equal(scores, expected[1])
    assert scores.device == torch.device("cpu")
    assert answers == expected[2]


@pytest.mark.parametrize("strict", [False, True], ids=["uniform", "strict"])
def test_training_on_cuda_matches_cpu(strict):
    options = {"steps": 3, "batch_size": 4, "num_negatives": 2, "progress": False}
    expected = pretrain(model("cpu"), [graph()], strict_negatives=strict, **options)
    with SimulatedCuda():
        losses = pretrain(model("cuda"), [graph()], strict_negatives=strict, **options)
    assert len(losses) == 3
    assert losses == expected


def test_lean_aggregation_reads_host_once_per_graph():
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(0, 20, (2, 200), generator=generator)
    edge_type = torch.randint(0, 6, (200,), generator=generator)
    x = torch.randn(20, 2, 4, generator=generator)
    relation = torch.randn(6, 2, 4, generator=generator)
    expected = aggregate_lean(x, relation, edge_index, edge_type, chunk_size=4)
    reads = []
    with SimulatedCuda() as cuda:
        edges, types = edge_index.cuda(), edge_type.cuda()
        for chunk_size in (64, 4):  # about 2 and 30 chunks of pairs
            before = cuda.host_reads
            out = aggregate_lean(x.cuda(), relation.cuda(), edges, types, chunk_size)
            reads.append(cuda.host_reads - before)
    assert torch.equal(out, expected)
    # Grouping the edges reads the pair count and offsets once. The chunk loop
    # itself must not wait for the GPU once per chunk.
    assert reads[1] == 0
