"""Top-k prediction when the model returns NaN logits."""

import torch

from graphkit.kg import KnowledgeGraph, Ultra


def model_with_logits(logits: list[float]) -> Ultra:
    """Build an Ultra whose forward pass returns ``logits`` for every query."""
    model = Ultra(dim=4, num_layers=1)
    row = torch.tensor(logits)

    def forward(graph, sources, query_index, candidates=None):
        return row.expand(sources.numel(), -1).clone()

    model.forward = forward
    return model


def toy_graph() -> KnowledgeGraph:
    return KnowledgeGraph.from_named_triples(
        [("a", "r", "b"), ("b", "r", "c"), ("c", "r", "d")]
    )


def test_predict_ranks_nan_logits_last(caplog):
    kg = toy_graph()  # entity ids: a 0, b 1, c 2, d 3
    model = model_with_logits([float("nan"), 1.0, 3.0, 2.0])
    answers = model.predict(kg, head="a", relation="r", k=4)
    names = [name for name, _ in answers]
    assert names == ["c", "d", "b", "a"]
    assert torch.isnan(torch.tensor(answers[3][1]))
    assert "1 of 4 scores are NaN and rank last" in caplog.text


def test_predict_nan_ranks_above_known_answers():
    kg = toy_graph()
    model = model_with_logits([2.0, 5.0, float("nan"), 1.0])
    answers = model.predict(kg, head="a", relation="r", k=3, exclude_known=True)
    assert [name for name, _ in answers] == ["a", "d", "c"]
