"""Federated pieces: non-IID split, matching loss, local training and the REINFORCE policy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from graphkit.extras.federated import fedrep
from graphkit.extras.federated.client import (
    MLP,
    local_train,
    matching_loss,
    matching_maps,
)
from graphkit.extras.federated.partition import iid_split, pathological_split
from graphkit.extras.federated.reinforce import HyperparameterPolicy


def test_split_two_classes_per_client():
    labels = np.repeat(np.arange(10), 40)
    parts = pathological_split(labels, num_clients=20, classes_per_client=2, seed=0)
    assert len(parts) == 20
    for part in parts:
        assert len(np.unique(labels[part])) == 2
    every = np.sort(np.concatenate(parts))
    np.testing.assert_array_equal(every, np.arange(len(labels)))


def test_iid_split_covers_every_sample():
    parts = iid_split(403, num_clients=20, seed=0)
    assert len(parts) == 20
    assert sorted(len(p) for p in parts) == [20] * 17 + [21] * 3
    every = np.sort(np.concatenate(parts))
    np.testing.assert_array_equal(every, np.arange(403))


def test_iid_split_mixes_classes():
    labels = np.repeat(np.arange(10), 40)
    for part in iid_split(len(labels), num_clients=20, seed=0):
        assert len(np.unique(labels[part])) >= 5


def test_split_rejects_uneven_shards():
    with pytest.raises(ValueError, match="multiple"):
        pathological_split(np.repeat(np.arange(10), 4), 3, 2, seed=0)


def test_matching_loss_hand_value():
    maps = matching_maps(MLP((2, 2, 3)))
    local = [torch.tensor([[1.0, 2.0], [0.0, 0.0]])]
    target = [torch.tensor([[1.0, 0.0], [2.0, 0.0]])]
    # identity maps: rows differ by (0, -2) and (2, 0): mean of 4 and 4 is 4, over d = 2
    assert matching_loss(target, local, maps).item() == pytest.approx(2.0)
    with torch.no_grad():
        maps[0].weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 0.0]]))
    # P h = (1, 0) and (0, 0): errors 0 and 4, mean 2, over d = 2
    assert matching_loss(target, local, maps).item() == pytest.approx(1.0)


def test_local_train_leaves_global_model():
    torch.manual_seed(0)
    model = MLP((4, 8, 3))
    before = [p.clone() for p in model.parameters()]
    x, y = torch.randn(20, 4), torch.randint(0, 3, (20,))
    maps = matching_maps(model)
    trained = local_train(
        model,
        x,
        y,
        0.1,
        2,
        5,
        torch.Generator().manual_seed(0),
        maps,
        matching_weight=1.0,
    )
    for old, new in zip(before, model.parameters()):
        torch.testing.assert_close(old, new)
    assert any(
        not torch.equal(a, b) for a, b in zip(model.parameters(), trained.parameters())
    )
    assert not torch.equal(maps[0].weight, torch.eye(8))  # the maps learn too


def test_policy_moves_toward_rewarded_cell():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([0], reward=0.0)  # first reward sets the baseline
    for _ in range(5):
        policy.update([0], reward=1.0)
    assert policy.probabilities[0] > 0.6
    assert policy.probabilities.sum() == pytest.approx(1.0)


def test_policy_gradient_one_step():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([1], reward=0.2)  # baseline 0.2, spread 0.2
    policy.update(
        [1], reward=0.4
    )  # advantage (0.4 - 0.2) / 0.2 = 1, grad e_1 - (0.5, 0.5)
    np.testing.assert_allclose(policy.theta, [-0.25, 0.25])


def test_federate_smoke_runs():
    config = fedrep.Config(rounds=2, seeds=1, learning_rates=(0.1,), epoch_choices=(1,))
    result = fedrep.federate(config, seed=0, lr=None, matching=True, adaptive=True)
    assert 0.0 <= result["accuracy"] <= 1.0
    assert len(result["history"]) == 2
    assert result["probabilities"].shape == (1,)


def test_config_requires_lr_in_grid():
    with pytest.raises(ValueError, match="learning_rates"):
        fedrep.Config(lr=0.05)
