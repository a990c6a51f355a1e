"""queries_without_facts checks its query ids as evaluate does.

A negative id would index another entity or relation from the end of the list, and
so mark a row by the facts of a different name without an error.
"""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, LinkPredictionSet, queries_without_facts


def small_graph() -> KnowledgeGraph:
    # e0 and e1 have facts, e2 has none. r0 has facts, r1 has none.
    return KnowledgeGraph(torch.tensor([[0, 0, 1]]), ["e0", "e1", "e2"], ["r0", "r1"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([0, 0, -1], r"tail ids must lie in \[0, 3\), found the range \[-1, -1\]"),
        ([0, 0, 3], r"tail ids must lie in \[0, 3\), found the range \[3, 3\]"),
        ([-1, 0, 1], r"head ids must lie in \[0, 3\), found the range \[-1, -1\]"),
        ([0, 2, 1], r"relation ids must lie in \[0, 2\), found the range \[2, 2\]"),
    ],
)
def test_out_of_range_id_raises_with_the_range(query, message):
    with pytest.raises(ValueError, match=message):
        queries_without_facts(small_graph(), torch.tensor([query]))


def test_float_ids_raise_type_error():
    with pytest.raises(TypeError, match=r"integer dtype, got torch\.float32"):
        queries_without_facts(small_graph(), torch.tensor([[0.0, 0.0, 1.0]]))


def test_rows_as_lists_and_empty_queries():
    graph = small_graph()
    marked = queries_without_facts(graph, [[0, 0, 1], [0, 1, 1], [2, 0, 0]])
    assert marked.tolist() == [False, True, True]
    assert queries_without_facts(graph, []).tolist() == []


def test_query_set_as_graph_raises_type_error():
    # A LinkPredictionSet stores its graph in .graph, so passing the whole set is an
    # easy mistake.
    queries = torch.tensor([[0, 0, 1]])
    test = LinkPredictionSet(small_graph(), queries, queries, "toy/test")
    with pytest.raises(
        TypeError,
        match=r"^queries_without_facts takes a KnowledgeGraph, got LinkPredictionSet: "
        r"pass its \.graph, the facts it ranks on$",
    ):
        queries_without_facts(test, queries)
