"""ULTRA ranking runs without importing torch_geometric, whose import is slow."""

import subprocess
import sys

import torch
from torch_geometric.data import Data

from graphkit.kg import KnowledgeGraph, build_relation_graph

RANK_WITHOUT_PYG = """
import sys
import torch
from graphkit.kg import KnowledgeGraph, LinkPredictionSet, Ultra, evaluate

triples = torch.tensor([[0, 0, 1], [1, 1, 2], [2, 0, 0]])
kg = KnowledgeGraph(triples, ["a", "b", "c"], ["r", "s"])
torch.manual_seed(0)
model = Ultra(dim=8, num_layers=2)
metrics = evaluate(model, LinkPredictionSet(kg, triples, triples))
predicted = model.predict(kg, head="a", relation="r", k=2)
print(metrics["num_ranks"], len(predicted), "torch_geometric" in sys.modules)
"""


def test_ranking_leaves_pyg_unimported():
    result = subprocess.run(
        [sys.executable, "-c", RANK_WITHOUT_PYG],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["6", "2", "False"]


def test_relation_tensors_match_build_relation_graph():
    triples = torch.tensor([[0, 0, 1], [1, 1, 2], [2, 0, 0], [3, 2, 1]])
    kg = KnowledgeGraph(triples, ["a", "b", "c", "d"], ["r", "s", "t"])
    tensors = kg.relation_tensors()
    expected = build_relation_graph(kg.edge_index, kg.edge_type, 4, 6)
    assert torch.equal(tensors.edge_index, expected.edge_index)
    assert torch.equal(tensors.edge_type, expected.edge_type)
    assert tensors.num_nodes == expected.num_nodes == 6
    assert tensors.num_relations == expected.num_relations == 4


def test_relation_graph_is_cached_data():
    kg = KnowledgeGraph(torch.tensor([[0, 0, 1]]), ["a", "b"], ["r"])
    graph = kg.relation_graph
    assert isinstance(graph, Data)
    assert kg.relation_graph is graph
    assert graph.edge_index is kg.relation_tensors().edge_index
    kg.triples[0, 2] = 0  # an in-place edit makes a new relation graph
    assert kg.relation_graph is not graph
    assert kg.relation_graph.edge_index is kg.relation_tensors().edge_index
