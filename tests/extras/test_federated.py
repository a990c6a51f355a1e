"""Federated pieces: non-IID split, matching loss, local training and the REINFORCE policy."""

from __future__ import annotations

import math

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
from torch import nn


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
    with pytest.raises(ValueError, match="= 6 must be a multiple of the 10 classes"):
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
    config = fedrep.Config(
        rounds=2, seeds=1, lr=0.1, learning_rates=(0.1,), epoch_choices=(1,)
    )
    result = fedrep.federate(config, seed=0, lr=None, matching=True, adaptive=True)
    assert 0.0 <= result["accuracy"] <= 1.0
    assert len(result["history"]) == 2
    assert result["probabilities"].shape == (1,)


def test_config_requires_lr_in_grid():
    with pytest.raises(ValueError, match="learning_rates"):
        fedrep.Config(lr=0.05)


def test_matching_maps_logits_and_bad_layer():
    model = MLP((4, 8, 6, 3))
    maps = matching_maps(model, layers=(1, 2))
    assert [m.weight.shape for m in maps] == [(6, 6), (3, 3)]
    with pytest.raises(ValueError, match="matched layer 3 does not exist"):
        matching_maps(model, layers=(3,))


def test_matching_loss_normalized_hand_value():
    maps = matching_maps(MLP((2, 2, 3)))
    target = [torch.tensor([[2.0, 0.0], [2.0, 0.0]])]
    local = [torch.tensor([[1.0, 1.0], [1.0, 1.0]])]
    # The target's mean squares are (4, 0) with layer mean 2, so the scales are sqrt(6)
    # and sqrt(2). Errors (1, -1) per row give 1 / 6 + 1 / 2 = 2 / 3, divided by d = 2.
    value = matching_loss(target, local, maps, normalize=True).item()
    assert value == pytest.approx(1.0 / 3.0)


def _one_step(maps, map_lr, momentum=0.0):
    torch.manual_seed(0)
    model = MLP((3, 4, 2))
    x, y = torch.randn(5, 3), torch.tensor([0, 1, 0, 1, 1])
    trained = local_train(
        model,
        x,
        y,
        0.1,
        1,
        5,
        torch.Generator().manual_seed(0),
        maps,
        matching_weight=1.0,
        momentum=momentum,
        map_lr=map_lr,
    )
    return model, trained, x, y


def test_map_optimizer_step_matches_autograd():
    maps = matching_maps(MLP((3, 4, 2)))
    with torch.no_grad():
        maps[0].weight.mul_(2.0)  # P = 2I makes the loss non-zero at the first step.
    start = maps[0].weight.detach().clone()
    model, trained, x, y = _one_step(maps, map_lr=0.5)
    # The reference takes one plain gradient step on P and on the model from the same
    # point.
    reference = start.clone().requires_grad_(True)
    _, hidden = model(x)
    loss = ((hidden[0].detach() - hidden[0] @ reference.T).pow(2).sum(1).mean()) / 4
    grad_p = torch.autograd.grad(loss, reference)[0]
    torch.testing.assert_close(maps[0].weight.detach(), start - 0.5 * grad_p)
    copy = MLP((3, 4, 2))
    copy.load_state_dict(model.state_dict())
    logits, hidden = copy(x)
    total = nn.functional.cross_entropy(logits, y) + (
        (hidden[0].detach() - hidden[0] @ start.T).pow(2).sum(1).mean() / 4
    )
    grads = torch.autograd.grad(total, list(copy.parameters()))
    for p, g, new in zip(copy.parameters(), grads, trained.parameters()):
        torch.testing.assert_close(new, p - 0.1 * g)


def test_identity_maps_stay_frozen():
    plain = _one_step(None, None)[1]
    maps = matching_maps(MLP((3, 4, 2))).requires_grad_(False)
    with torch.no_grad():
        maps[0].weight.mul_(2.0)
    _, trained, _, _ = _one_step(maps, map_lr=None)
    torch.testing.assert_close(maps[0].weight, 2.0 * torch.eye(4))
    assert not torch.equal(plain.layers[0].weight, trained.layers[0].weight)


def test_config_rejects_momentum_and_map_lr():
    with pytest.raises(ValueError, match="momentum=1.0 is invalid"):
        fedrep.Config(momentum=1.0)
    with pytest.raises(ValueError, match="map_lr=0.0 must be > 0"):
        fedrep.Config(map_lr=0.0)


def test_federate_identity_maps_change_training():
    config = fedrep.Config(rounds=1, seeds=1, clients_per_round=20, local_epochs=1)
    torch.manual_seed(0)
    plain = fedrep.federate(config, seed=0, lr=0.3, matching=False, adaptive=False)
    frozen = fedrep.federate(
        config, seed=0, lr=0.3, matching=True, adaptive=False, identity_maps=True
    )
    # Split, initialisation and batches are the same, so only the distillation term
    # differs.
    assert frozen["divergence"] != pytest.approx(plain["divergence"], rel=1e-6)


@pytest.mark.slow
def test_default_protocol_has_client_drift():
    """Check that non-IID data costs the default regime at least 6 accuracy points.

    That gap leaves room for a client-drift remedy to show an effect.
    """
    config = fedrep.Config(seeds=1)
    non_iid = fedrep.federate(config, 0, config.lr, matching=False, adaptive=False)
    iid = fedrep.federate(
        config, 0, config.lr, matching=False, adaptive=False, iid=True
    )
    assert iid["accuracy"] - non_iid["accuracy"] >= 0.06


def test_server_drops_diverged_updates():
    config = fedrep.Config(
        rounds=3, seeds=1, lr=1e6, learning_rates=(1e6,), epoch_choices=(1,)
    )
    result = fedrep.federate(config, seed=0, lr=1e6, matching=False, adaptive=True)
    # Every update diverges, so the global model never leaves its initialisation.
    assert result["diverged_updates"] == 3 * config.clients_per_round
    assert len(set(result["history"])) == 1
    assert np.isnan(result["divergence"])


def test_federate_reset_maps_changes_second_round():
    options = {"rounds": 2, "seeds": 1, "clients_per_round": 20, "local_epochs": 1}
    persistent = fedrep.Config(**options, reset_maps=False)
    reset = fedrep.Config(**options, reset_maps=True)
    first = fedrep.federate(persistent, seed=0, lr=0.3, matching=True, adaptive=False)
    second = fedrep.federate(reset, seed=0, lr=0.3, matching=True, adaptive=False)
    # Round 1 starts from P = I either way, and round 2 from the learned or reset maps.
    # So only the second round's client weights differ, and with them the mean
    # divergence.
    assert first["history"][0] == second["history"][0]
    assert first["divergence"] != second["divergence"]


def test_first_seed_shifts_the_seeds():
    config = fedrep.Config(rounds=1, seeds=1, first_seed=1, local_epochs=1)
    summary = fedrep._mean_over_seeds(config, lr=0.3, matching=False, adaptive=False)
    single = fedrep.federate(config, seed=1, lr=0.3, matching=False, adaptive=False)
    assert summary["accuracy"] == single["accuracy"]
    assert summary["divergence"] == single["divergence"]
    with pytest.raises(ValueError, match="first_seed"):
        fedrep.Config(first_seed=-1)


@pytest.mark.parametrize("name", ["learning_rates", "epoch_choices"])
def test_config_rejects_empty_grid(name):
    with pytest.raises(ValueError, match=f"{name} is empty. Give at least one value"):
        fedrep.Config(**{name: ()})


def test_config_rejects_zero_eval_rounds():
    # history[-0:] would silently average every round instead of the last ones.
    with pytest.raises(ValueError, match="eval_rounds must be >= 1, got 0"):
        fedrep.Config(eval_rounds=0)


def test_policy_baseline_moving_average():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([1], reward=0.2)  # baseline 0.2, spread 0.2
    policy.update([1], reward=0.6)  # advantage 2, theta 0.5 * 2 * (-0.5, 0.5)
    np.testing.assert_allclose(policy.theta, [-0.5, 0.5])
    # Baseline 0.9 * 0.2 + 0.1 * 0.6 = 0.24, spread 0.9 * 0.2 + 0.1 * 0.4 = 0.22.
    assert policy.baseline == pytest.approx(0.24)
    assert policy.spread == pytest.approx(0.22)
    policy.update([0], reward=0.46)  # advantage (0.46 - 0.24) / 0.22 = 1
    p0 = 1 / (1 + math.exp(1.0))  # softmax of (-0.5, 0.5), first entry
    step = 0.5 * (1 - p0)
    np.testing.assert_allclose(policy.theta, [-0.5 + step, 0.5 - step])


def test_policy_first_update_sets_mean_baseline():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), seed=0)
    policy.update([0, 1, 1], [0.1, 0.2, 0.6])
    # The first update gets one reward per client. Their mean 0.3 (the median would
    # be 0.2) sets the baseline, and the spread is the mean |r - 0.3| = 0.2.
    assert policy.baseline == pytest.approx(0.3)
    assert policy.spread == pytest.approx(0.2)


def test_policy_per_action_update():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([0, 1, 1], [0.1, 0.2, 0.6])  # baseline 0.3, spread 0.2
    policy.update([0, 0], [0.5, 0.7])  # advantages 1 and 2
    # Each action adds advantage * (e_0 - (0.5, 0.5)), so the sum is 3 * (0.5, -0.5).
    np.testing.assert_allclose(policy.theta, [0.75, -0.75])
    # Baseline 0.9 * 0.3 + 0.1 * 0.6 = 0.33. The mean |r - 0.3| is 0.3, so the
    # spread is 0.9 * 0.2 + 0.1 * 0.3 = 0.21.
    assert policy.baseline == pytest.approx(0.33)
    assert policy.spread == pytest.approx(0.21)


def test_policy_probabilities_with_large_logits():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), seed=0)
    policy.theta = np.array([1000.0, 0.0])
    np.testing.assert_allclose(policy.probabilities, [1.0, 0.0])


@pytest.mark.parametrize("reward", [math.nan, math.inf, [0.1, math.nan]])
def test_policy_rejects_non_finite_reward(reward):
    policy = HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([0, 1], [0.1, 0.3])  # baseline 0.2
    theta, baseline, spread = policy.theta.copy(), policy.baseline, policy.spread
    with pytest.raises(ValueError, match="is not finite"):
        policy.update([0, 1], reward)
    np.testing.assert_array_equal(policy.theta, theta)
    assert policy.baseline == baseline
    assert policy.spread == spread


def test_policy_first_nan_reward_sets_no_baseline():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), seed=0)
    with pytest.raises(ValueError, match="reward nan is not finite"):
        policy.update([0], math.nan)
    assert policy.baseline is None


@pytest.mark.parametrize("action", [-1, 2])
def test_policy_rejects_action_outside_grid(action):
    # Index -1 would silently reward the last cell.
    policy = HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([0], 0.2)
    with pytest.raises(ValueError, match=rf"action {action} is not a cell index"):
        policy.update([action], 0.4)
    np.testing.assert_array_equal(policy.theta, [0.0, 0.0])


def test_policy_rejects_bool_action():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([0], 0.2)
    with pytest.raises(ValueError, match="action True is not a cell index"):
        policy.update([True], 0.4)
    np.testing.assert_array_equal(policy.theta, [0.0, 0.0])


def test_policy_rejects_empty_reward_list():
    policy = HyperparameterPolicy((0.1, 0.01), (1,), seed=0)
    with pytest.raises(ValueError, match="empty reward list"):
        policy.update([], [])
    assert policy.baseline is None
