"""evaluate_ranks() cleans up when a batch raises, as Ctrl-C does.

The progress bar must end its line before ``graphkit kg evaluate`` prints its
interrupt message, and the model must get back its training mode.
"""

import pytest
import torch

from graphkit.kg import Ultra, evaluate_ranks
from graphkit.kg.graph import KnowledgeGraph
from graphkit.kg.io import LinkPredictionSet

GRAPH = KnowledgeGraph(torch.tensor([[0, 0, 1], [1, 0, 2]]), ["a", "b", "c"], ["r"])
QUERIES = LinkPredictionSet(GRAPH, GRAPH.triples, GRAPH.triples, name="toy/test")


def interrupt_second_batch(model):
    """Make ``model`` raise KeyboardInterrupt on its second forward call."""
    forward = model.forward
    calls = []

    def interrupted_forward(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return forward(*args, **kwargs)

    model.forward = interrupted_forward


def test_interrupt_restores_training_mode():
    model = Ultra(dim=4, num_layers=1).train()
    interrupt_second_batch(model)
    with pytest.raises(KeyboardInterrupt):
        evaluate_ranks(model, QUERIES, batch_size=1)
    assert model.training


def test_interrupt_closes_progress_bar(capsys):
    model = Ultra(dim=4, num_layers=1)
    interrupt_second_batch(model)
    # The command prints its message while it handles the exception, when the
    # traceback still keeps the ranking frame and its bar alive, so read it there.
    try:
        evaluate_ranks(model, QUERIES, batch_size=1, progress=True)
    except KeyboardInterrupt:
        err = capsys.readouterr().err
    else:
        pytest.fail("the interrupted ranking returned")
    assert "ranking toy/test" in err
    assert err.endswith("\n")
