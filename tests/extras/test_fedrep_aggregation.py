"""FedAvg aggregation in fedrep: sample-count weights, empty clients, policy stream."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from graphkit.extras.federated import fedrep
from graphkit.extras.federated.client import MLP


def _first_weight(model: MLP, x: torch.Tensor, y: torch.Tensor) -> float:
    """Stand-in for accuracy that exposes the global model's first weight."""
    weight = model.layers[0].weight
    assert torch.isfinite(weight).all(), "the global model has non-finite weights"
    return float(weight[0, 0].detach())


def _constant_local_train(value_of_size: dict[int, float]):
    """Stand-in for local_train that sets every weight to a value chosen by the
    client's sample count."""

    def train(global_model, x, y, *args, **kwargs):
        local = copy.deepcopy(global_model)
        with torch.no_grad():
            for parameter in local.parameters():
                parameter.fill_(value_of_size[len(x)])
        return local

    return train


def test_fedavg_weights_by_sample_count(monkeypatch):
    # Clients of 1 and 3 samples end with weights 1.0 and 5.0. The sample-weighted
    # mean is (1 * 1 + 3 * 5) / 4 = 4, and an unweighted mean would give 3.
    parts = [np.array([0]), np.array([1, 2, 3])]
    monkeypatch.setattr(fedrep, "pathological_split", lambda *args: parts)
    monkeypatch.setattr(fedrep, "local_train", _constant_local_train({1: 1.0, 3: 5.0}))
    monkeypatch.setattr(fedrep, "accuracy", _first_weight)
    config = fedrep.Config(
        num_clients=2, classes_per_client=5, clients_per_round=2, rounds=1, seeds=1
    )
    result = fedrep.federate(config, seed=0, lr=0.3, matching=False, adaptive=False)
    assert result["history"] == [4.0]


@pytest.mark.parametrize("adaptive", [False, True])
def test_round_of_empty_clients_keeps_model(monkeypatch, adaptive):
    empty = np.array([], dtype=np.int64)
    monkeypatch.setattr(fedrep, "pathological_split", lambda *args: [empty] * 2)
    monkeypatch.setattr(fedrep, "accuracy", _first_weight)
    config = fedrep.Config(
        num_clients=2,
        classes_per_client=5,
        clients_per_round=2,
        rounds=2,
        seeds=1,
        learning_rates=(0.3,),
        epoch_choices=(1,),
    )
    result = fedrep.federate(config, seed=0, lr=0.3, matching=False, adaptive=adaptive)
    fedrep.seed_everything(0)
    initial = float(MLP().layers[0].weight[0, 0].detach())
    # 0 samples in all gives weights 0 / 0. The round must keep the previous model.
    assert result["history"] == [initial, initial]
    assert result["diverged_updates"] == 0


def test_policy_stream_differs_from_client_draws(monkeypatch):
    streams = []

    class RecordingPolicy(fedrep.HyperparameterPolicy):
        def __init__(self, *args, seed=0, **kwargs):
            super().__init__(*args, seed=seed, **kwargs)
            streams.append(np.random.default_rng(seed).integers(0, 2**62, 8))

    monkeypatch.setattr(fedrep, "HyperparameterPolicy", RecordingPolicy)
    config = fedrep.Config(
        rounds=1, seeds=1, lr=0.3, learning_rates=(0.3,), epoch_choices=(1,)
    )
    fedrep.federate(config, seed=0, lr=None, matching=False, adaptive=True)
    client_stream = np.random.default_rng(0).integers(0, 2**62, 8)
    # Equal streams would tie each client's drawn cell to its draw position.
    assert not np.array_equal(streams[0], client_stream)


def test_local_train_keeps_no_optimizer_state():
    # A momentum buffer or model kept across calls would make the second call
    # differ from the first.
    torch.manual_seed(0)
    global_model = MLP((4, 6, 3))
    x, y = torch.randn(12, 4), torch.randint(0, 3, (12,))
    runs = [
        fedrep.local_train(
            global_model,
            x,
            y,
            0.1,
            2,
            4,
            torch.Generator().manual_seed(1),
            momentum=0.9,
        )
        for _ in range(2)
    ]
    assert runs[0] is not runs[1]
    for first, second in zip(runs[0].parameters(), runs[1].parameters()):
        assert torch.equal(first, second)


def test_federate_repeats_given_seed():
    config = fedrep.Config(
        rounds=2, seeds=1, lr=0.3, learning_rates=(0.3, 0.1), epoch_choices=(1,)
    )
    runs = [
        fedrep.federate(config, seed=4, lr=None, matching=True, adaptive=True)
        for _ in range(2)
    ]
    assert runs[0]["history"] == runs[1]["history"]
    assert runs[0]["divergence"] == runs[1]["divergence"]
    np.testing.assert_array_equal(runs[0]["probabilities"], runs[1]["probabilities"])


def test_policy_per_client_rewards_one_step():
    policy = fedrep.HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([0, 1], [0.1, 0.3])  # baseline 0.2, spread mean |r - 0.2| = 0.1
    # Advantages +1 for cell 0 and -1 for cell 1, each times (e_a - (0.5, 0.5)).
    policy.update([0, 1], [0.3, 0.1])
    np.testing.assert_allclose(policy.theta, [0.5, -0.5])
    with pytest.raises(ValueError, match="2 rewards for 1 actions"):
        policy.update([0], [0.1, 0.2])


def _model_with_first_weight(value: float) -> MLP:
    model = MLP()
    with torch.no_grad():
        model.layers[0].weight[0, 0] = value
    return model


def test_marginal_rewards_hand_value(monkeypatch):
    # The stand-in loss is the first weight, which averaging keeps linear.
    monkeypatch.setattr(
        fedrep, "mean_loss", lambda model, x, y: _first_weight(model, x, y)
    )
    updates = [_model_with_first_weight(v) for v in (1.0, 2.0, 4.0, 0.0)]
    sizes = [1, 1, 2, 5]
    finite = [True, True, True, False]
    aggregate = MLP()
    aggregate.load_state_dict(fedrep._average(updates[:3], np.array([0.25, 0.25, 0.5])))
    rewards = fedrep._marginal_rewards(
        aggregate, updates, finite, sizes, None, None, 4.0
    )
    # Aggregate loss (1 + 2 + 8) / 4 = 2.75; without each client: 10/3, 9/3, 3/2.
    expected = [(10 / 3 - 2.75) / 4, (3 - 2.75) / 4, (1.5 - 2.75) / 4, -1.0]
    np.testing.assert_allclose(rewards, expected, rtol=1e-6)


def test_federate_marginal_rewards_move_policy():
    config = fedrep.Config(
        rounds=2,
        seeds=1,
        lr=0.3,
        learning_rates=(0.3, 0.03),
        epoch_choices=(1,),
        policy_reward="marginal",
    )
    result = fedrep.federate(config, seed=0, lr=None, matching=False, adaptive=True)
    # The first round sets the baseline, the second moves the logits away from uniform.
    assert not np.allclose(result["probabilities"], [0.5, 0.5])
    with pytest.raises(ValueError, match="policy_reward='client'"):
        fedrep.Config(policy_reward="client")


def test_policy_accepts_numpy_scalar_reward():
    policy = fedrep.HyperparameterPolicy((0.1, 0.01), (1,), step_size=0.5, seed=0)
    policy.update([1], np.float32(0.2))
    policy.update([1], np.float64(0.4))
    np.testing.assert_allclose(policy.theta, [-0.25, 0.25])


def _filled(value: float) -> MLP:
    model = MLP()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(value)
    return model


def test_aggregate_divergence_is_mean_distance():
    # Sizes 1 and 3 average weights 1 and 5 to 4. Over P entries the distances to
    # the average are 3 sqrt(P) and sqrt(P), so their mean is 2 sqrt(P). The NaN
    # update is not finite and is dropped.
    models = [_filled(1.0), _filled(5.0), _filled(float("nan"))]
    state, divergence = fedrep._aggregate_finite(
        MLP(), models, [1, 3, 2], [True, True, False]
    )
    count = sum(value.numel() for value in state.values())
    for value in state.values():
        assert torch.allclose(value, torch.full_like(value, 4.0))
    assert divergence == pytest.approx(2.0 * count**0.5)


def test_relative_decrease_floor_is_minus_one():
    assert fedrep._relative_decrease(2.0, 1.0) == 0.5
    assert fedrep._relative_decrease(1.0, 5.0) == -1.0
    assert fedrep._relative_decrease(1.0, None) == -1.0
