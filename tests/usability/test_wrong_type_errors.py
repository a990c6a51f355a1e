"""A count of the wrong type raises one error class at every entry point.

The entry points raise WrongTypeError for 2.5, "3" or True. It subclasses both
TypeError and ValueError, so callers that catch either one catch it.
"""

import numpy as np
import pytest
import torch

from graphkit.embed import DenseMatrix, randomized_svd
from graphkit.embed.leaves import check_node_ids
from graphkit.embed.linkpred import LinkPredictionConfig
from graphkit.embed.nodeclass import NodeClassConfig
from graphkit.embed.wys import context_weights, wys_matrix
from graphkit.graph import LocalGraph
from graphkit.kg import KnowledgeGraph, LinkPredictionSet
from graphkit.kg.evaluate import evaluate_ranks
from graphkit.kg.model import UltraNet
from graphkit.kg.relation_graph import check_fact_edges
from graphkit.kg.train import TrainConfig
from graphkit.kg.ultra import Ultra
from graphkit.metrics import build_labelled_graph, neighbour_label_counts
from graphkit.metrics.neighbourhood_information import discretise_histograms
from graphkit.nn import GNN, GATConv
from graphkit.seeds import seeded_generator
from graphkit.train.config import TrainConfig as GNNTrainConfig
from graphkit.whole_numbers import WrongTypeError

EDGES = torch.tensor([[0, 1, 2], [1, 2, 0]])
EDGE_TYPES = torch.tensor([0, 1, 0])
LABELS = torch.tensor([0, 1, 1])


def _labelled_graph():
    return build_labelled_graph(EDGES, LABELS)


def _query_set() -> LinkPredictionSet:
    facts = torch.tensor([[0, 0, 1]])
    graph = KnowledgeGraph(facts, ["e0", "e1"], ["r0"])
    return LinkPredictionSet(graph, facts, facts, "toy/test")


ENTRY_POINTS = {
    "LocalGraph num_nodes": lambda value: LocalGraph(EDGES, value),
    "check_node_ids num_nodes": lambda value: check_node_ids(EDGES, value),
    "check_fact_edges num_nodes": lambda value: check_fact_edges(
        EDGES, EDGE_TYPES, value, 2
    ),
    "check_fact_edges num_types": lambda value: check_fact_edges(
        EDGES, EDGE_TYPES, 3, value
    ),
    "wys_matrix window": lambda value: wys_matrix(EDGES, 3, window=value),
    "wys_matrix negative_rank": lambda value: wys_matrix(
        EDGES, 3, negative_rank=value
    ),
    "context_weights window": context_weights,
    "implicit power": lambda value: DenseMatrix(torch.eye(2)) ** value,
    "randomized_svd rank": lambda value: randomized_svd(
        DenseMatrix(torch.eye(3)), value
    ),
    "randomized_svd seed": lambda value: randomized_svd(
        DenseMatrix(torch.eye(3)), 1, seed=value
    ),
    "seeded_generator seed": seeded_generator,
    "GATConv heads": lambda value: GATConv(4, 4, heads=value),
    "GNN num_layers": lambda value: GNN("gcn", 4, 4, 2, num_layers=value),
    "GNN in_channels": lambda value: GNN("gcn", value, 4, 2),
    "UltraNet dim": lambda value: UltraNet(dim=value),
    "Ultra.predict k": lambda value: Ultra(dim=2, num_layers=1).predict(None, k=value),
    "Ultra.score batch_size": lambda value: Ultra(dim=2, num_layers=1).score(
        None, [], batch_size=value
    ),
    "evaluate_ranks batch_size": lambda value: evaluate_ranks(
        None, _query_set(), batch_size=value
    ),
    "kg TrainConfig steps": lambda value: TrainConfig(steps=value),
    "GNN TrainConfig epochs": lambda value: GNNTrainConfig(epochs=value),
    "NodeClassConfig hops": lambda value: NodeClassConfig(hops=value),
    "NodeClassConfig seed": lambda value: NodeClassConfig(seed=value),
    "LinkPredictionConfig rank": lambda value: LinkPredictionConfig(rank=value),
    "LinkPredictionConfig oversample": lambda value: LinkPredictionConfig(
        oversample=value
    ),
    "build_labelled_graph num_classes": lambda value: build_labelled_graph(
        EDGES, LABELS, num_classes=value
    ),
    "neighbour_label_counts hops": lambda value: neighbour_label_counts(
        _labelled_graph(), hops=value
    ),
    "discretise_histograms bins": lambda value: discretise_histograms(
        torch.tensor([[1, 0], [0, 1]]), value
    ),
}


@pytest.mark.parametrize("value", [2.5, "3", True])
@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_wrong_type_count_error_class(entry_point, value):
    with pytest.raises(WrongTypeError) as caught:
        ENTRY_POINTS[entry_point](value)
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "entry_point",
    [
        "LocalGraph num_nodes",
        "check_fact_edges num_nodes",
        "wys_matrix window",
        "implicit power",
        "UltraNet dim",
        "neighbour_label_counts hops",
        "NodeClassConfig hops",
        "LinkPredictionConfig rank",
    ],
)
def test_negative_count_plain_value_error(entry_point):
    # A count of the right type outside its range is a ValueError only.
    with pytest.raises(ValueError) as caught:
        ENTRY_POINTS[entry_point](-1)
    assert not isinstance(caught.value, TypeError)


@pytest.mark.parametrize(
    "make",
    [
        lambda value: NodeClassConfig(dropout=value),
        lambda value: NodeClassConfig(wys_neg_coef=value),
        lambda value: LinkPredictionConfig(neg_coef=value),
    ],
)
@pytest.mark.parametrize("value", [True, "0.1", None], ids=repr)
def test_embed_config_float_wrong_type(make, value):
    with pytest.raises(WrongTypeError, match="must be a real number"):
        make(value)


def test_embed_config_valid_counts_accepted():
    assert LinkPredictionConfig(oversample=None).oversample is None
    assert NodeClassConfig(hops=np.int64(2)).hops == 2
