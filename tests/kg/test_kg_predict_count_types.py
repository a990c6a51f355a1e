"""Ultra.predict and Ultra.score take whole numbers for k and batch_size."""

import numpy as np
import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra


@pytest.fixture(scope="module")
def setup():
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    torch.manual_seed(0)
    return Ultra(dim=4, num_layers=1), kg


@pytest.mark.parametrize("k", [2.5, "3", True, None])
def test_predict_rejects_non_integer_k(setup, k):
    model, kg = setup
    with pytest.raises(TypeError, match="k must be a whole number"):
        model.predict(kg, head="a", relation="r", k=k)


@pytest.mark.parametrize("batch_size", [1.5, "2"])
def test_score_rejects_non_integer_batch_size(setup, batch_size):
    model, kg = setup
    with pytest.raises(TypeError, match="batch_size must be a whole number"):
        model.score(kg, [("a", "r", "b")], batch_size=batch_size)


def test_numpy_integer_k_accepted(setup):
    model, kg = setup
    answers = model.predict(kg, head="a", relation="r", k=np.int64(2))
    assert len(answers) == 2
    assert answers == model.predict(kg, head="a", relation="r", k=2)
