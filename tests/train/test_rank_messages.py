"""Gathering and grouping one message per rank."""

import torch

from graphkit.graph import LocalGraph
from graphkit.train.rank_messages import (
    MAX_MESSAGE_BYTES,
    describe_ranks,
    gather_messages,
    group_messages,
)


def one_node_graph():
    return LocalGraph(torch.empty(2, 0, dtype=torch.long), 1)


def test_gather_one_process_returns_message():
    graph = one_node_graph()
    assert gather_messages(graph, "checkpoint x.pt does not exist", torch.device("cpu")) == [
        "checkpoint x.pt does not exist"
    ]


def test_gather_keeps_non_ascii_and_empty():
    graph = one_node_graph()
    assert gather_messages(graph, "fichier déjà lu", torch.device("cpu")) == [
        "fichier déjà lu"
    ]
    assert gather_messages(graph, "", torch.device("cpu")) == [""]


def test_gather_cuts_long_message():
    graph = one_node_graph()
    (gathered,) = gather_messages(graph, "x" * (MAX_MESSAGE_BYTES + 10), torch.device("cpu"))
    assert gathered == "x" * MAX_MESSAGE_BYTES


def test_describe_ranks_spans():
    assert describe_ranks([2]) == "rank 2"
    assert describe_ranks([0, 1]) == "ranks 0, 1"
    assert describe_ranks([0, 1, 2, 3, 6]) == "ranks 0-3, 6"
    assert describe_ranks([1, 3, 4, 5, 7, 8]) == "ranks 1, 3-5, 7, 8"


def test_group_messages_by_first_rank():
    groups = group_messages(["b", "a", "b", "c", "a"])
    assert groups == [([0, 2], "b"), ([1, 4], "a"), ([3], "c")]
