"""Shared training loop: a batch size below 1 raises an error that names it."""

import pytest
import torch
from graphkit.extras.common.train import minibatches, train_classifier


@pytest.mark.parametrize("batch_size", [0, -2])
def test_minibatches_rejects_batch_size(batch_size):
    with pytest.raises(ValueError, match=f"batch_size={batch_size} is invalid"):
        minibatches(4, batch_size)


@pytest.mark.parametrize("batch_size", [0, -1])
def test_train_classifier_rejects_batch_size(batch_size):
    model = torch.nn.Linear(2, 2)
    x, y = torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)
    with pytest.raises(ValueError, match=f"batch_size={batch_size} is invalid"):
        train_classifier(model, x, y, epochs=1, batch_size=batch_size)


def test_minibatches_cover_samples_once():
    batches = minibatches(5, 2, torch.Generator().manual_seed(0))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert sorted(torch.cat(batches).tolist()) == [0, 1, 2, 3, 4]
