"""Two ranks with partitions of equal size draw different dropout masks.

The trainer seeds each epoch of a run on several ranks from ``(seed, epoch, rank)``.
Without the rank term, two ranks of equal size would draw the same input dropout mask,
so the same feature entries would be dropped on both.
"""

import pytest
import torch
from harness import run_world
from workers import train_config

pytestmark = pytest.mark.distributed


def input_dropout_masks(rank: int, world_size: int):
    """Train 2 epochs and return the node count and each training dropout mask."""
    import torch

    from graphkit.distributed.runtime import build_partition
    from graphkit.nn import models
    from graphkit.train.trainer import Trainer

    # 400 synthetic nodes split into two partitions of 200.
    config = train_config(epochs=2, dropout=0.5, patience=0)
    graph, data = build_partition(config, rank, world_size)
    masks = []
    dropout = models.dropout

    def recording_dropout(input, p, training):
        # Dropout of a tensor of ones draws the same Bernoulli values as dropout of
        # the input would, and its output is the scaled mask itself.
        scaled_mask = dropout(torch.ones_like(input), p, training)
        if training and p > 0:
            masks.append(scaled_mask != 0)
        return input * scaled_mask

    models.dropout = recording_dropout
    try:
        Trainer(config, data, graph).fit()
    finally:
        models.dropout = dropout
    return graph.num_nodes, masks


def test_equal_partitions_draw_different_masks():
    outcome = run_world(input_dropout_masks, 2)
    (nodes_0, masks_0), (nodes_1, masks_1) = outcome[0], outcome[1]
    assert nodes_0 == 200
    assert nodes_1 == 200

    # One call per epoch, on the input features. While training, the hidden layers'
    # relu_dropout draws its mask without calling the models module's dropout.
    assert len(masks_0) == 2
    assert len(masks_1) == 2
    for first, second in zip(masks_0, masks_1):
        assert first.shape == second.shape
        assert not bool(torch.equal(first, second))
