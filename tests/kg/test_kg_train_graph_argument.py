"""pretrain and finetune take graphs, and name the graph inside a split."""

import pytest
import torch
from graphkit.kg import KnowledgeGraph, Ultra, finetune, pretrain
from graphkit.kg.io import InductiveSplit, LinkPredictionSet

SETTINGS = {"steps": 1, "batch_size": 2, "num_negatives": 2}


def _graph() -> KnowledgeGraph:
    return KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])


def test_single_graph_in_pretrain():
    torch.manual_seed(0)
    losses = pretrain(Ultra(dim=4, num_layers=1), _graph(), **SETTINGS)
    assert len(losses) == 1


@pytest.mark.parametrize(
    "kind, message",
    [
        ("split", r"got InductiveSplit: pass split\.train\.graph"),
        ("queries", r"got LinkPredictionSet: pass its \.graph"),
        ("triples", r"got list: pass a KnowledgeGraph"),
    ],
)
def test_finetune_non_graph_rejected(kind, message):
    graph = _graph()
    queries = LinkPredictionSet(graph, graph.triples, graph.triples, name="toy")
    value = {
        "split": InductiveSplit(queries, queries, "toy"),
        "queries": queries,
        "triples": [("a", "r", "b")],
    }[kind]
    with pytest.raises(TypeError, match=message):
        finetune(Ultra(dim=4, num_layers=1), value, **SETTINGS)
