"""Closed-form ridge maps and the best-rate comparison of the federated digits run."""

from __future__ import annotations

import pytest
import torch
from graphkit.extras.federated import fedrep
from graphkit.extras.federated.client import MLP, local_train, matching_loss, ridge_maps


def test_ridge_map_hand_value():
    source = [torch.tensor([[1.0], [2.0]])]
    target = [torch.tensor([[2.0], [4.0]])]
    # S^T S / n = 2.5 and S^T (T - S) / n = 2.5, so P = 1 + 2.5 / (2.5 + 2.5) = 1.5.
    (apply,) = ridge_maps(target, source, ridge=2.5)
    assert apply(torch.tensor([[2.0]])).item() == pytest.approx(3.0)


def test_ridge_map_identity_when_equal():
    features = [torch.randn(6, 4, generator=torch.Generator().manual_seed(0))]
    (apply,) = ridge_maps(features, features, ridge=0.1)
    torch.testing.assert_close(apply(features[0]), features[0])
    loss = matching_loss(features, features, [apply])
    assert loss.item() == pytest.approx(0.0, abs=1e-10)


def test_ridge_map_matches_lstsq():
    generator = torch.Generator().manual_seed(1)
    source = torch.randn(7, 3, generator=generator, dtype=torch.float64)
    target = torch.randn(7, 3, generator=generator, dtype=torch.float64)
    ridge = 0.3
    # Reference: the same objective as one stacked least-squares problem in X = P^T,
    # [S / sqrt(n); sqrt(rho) I] X = [T / sqrt(n); sqrt(rho) I].
    n = source.shape[0]
    eye = torch.eye(3, dtype=torch.float64)
    left = torch.cat([source / n**0.5, ridge**0.5 * eye])
    right = torch.cat([target / n**0.5, ridge**0.5 * eye])
    transposed = torch.linalg.lstsq(left, right).solution
    (apply,) = ridge_maps([target], [source], ridge)
    torch.testing.assert_close(apply(source), source @ transposed)


def test_local_train_ridge_one_step():
    torch.manual_seed(0)
    x, y = torch.randn(5, 3), torch.tensor([0, 1, 0, 1, 1])
    target_model = MLP((3, 4, 2))
    trained = local_train(
        target_model,
        x,
        y,
        0.1,
        1,
        5,
        torch.Generator().manual_seed(0),
        None,
        matching_weight=1.0,
        map_ridge=0.5,
    )
    plain = local_train(target_model, x, y, 0.1, 1, 5, torch.Generator().manual_seed(0))
    # At the first step the local model equals the global one, so P = I, the matching
    # loss and its gradient are zero, and the step equals plain SGD.
    for a, b in zip(plain.parameters(), trained.parameters()):
        torch.testing.assert_close(a, b)


def test_local_train_ridge_changes_later_steps():
    torch.manual_seed(0)
    model = MLP((3, 4, 2))
    x, y = torch.randn(8, 3), torch.tensor([0, 1, 0, 1, 1, 0, 0, 1])
    plain = local_train(model, x, y, 0.5, 3, 4, torch.Generator().manual_seed(0))
    ridge = local_train(
        model,
        x,
        y,
        0.5,
        3,
        4,
        torch.Generator().manual_seed(0),
        None,
        matching_weight=10.0,
        layers=(0, 1),
        map_ridge=0.01,
    )
    assert not torch.equal(plain.layers[0].weight, ridge.layers[0].weight)


def test_config_rejects_nonpositive_map_ridge():
    with pytest.raises(ValueError, match="map_ridge=0.0 must be > 0"):
        fedrep.Config(map_ridge=0.0)


def test_run_best_rate_per_arm(monkeypatch):
    # Fake accuracies per arm and rate: FedAvg is best at 0.3 (0.80) and matching at
    # 0.6 (0.84), while at the shared rate 0.3 matching has 0.82.
    table = {
        (False, False, False, 0.6): 0.70,
        (False, False, False, 0.3): 0.80,
        (True, False, False, 0.6): 0.84,
        (True, False, False, 0.3): 0.82,
    }

    def fake(config, lr, matching, adaptive, iid=False, identity_maps=False):
        accuracy = table.get((matching, iid, identity_maps, lr), 0.5)
        summary = {"accuracy": accuracy, "divergence": 1.0, "diverged_updates": 0}
        if adaptive:
            summary["probabilities"] = torch.full((4,), 0.25).numpy()
            summary["cells"] = [(0.6, 1), (0.6, 2), (0.3, 1), (0.3, 2)]
        return summary

    monkeypatch.setattr(fedrep, "_mean_over_seeds", fake)
    config = fedrep.Config(learning_rates=(0.6, 0.3), epoch_choices=(1, 2))
    metrics = fedrep.run(config)
    assert metrics["best_fixed_lr"] == 0.3
    assert metrics["best_matching_lr"] == 0.6
    assert metrics["matching_gain_points"] == pytest.approx(2.0)
    assert metrics["matching_best_vs_best_points"] == pytest.approx(4.0)
    assert metrics["matching_lr0.6_accuracy"] == pytest.approx(84.0)
    # Grid means: matching (0.84 + 0.82) / 2 = 0.83, FedAvg (0.70 + 0.80) / 2 = 0.75.
    assert metrics["matching_grid_mean_gain_points"] == pytest.approx(8.0)


def test_late_matching_start_is_fedavg():
    config = fedrep.Config(rounds=2, seeds=1, local_epochs=1, matching_start_round=2)
    plain = fedrep.federate(config, seed=0, lr=0.3, matching=False, adaptive=False)
    late = fedrep.federate(config, seed=0, lr=0.3, matching=True, adaptive=False)
    assert late["history"] == plain["history"]
    assert late["divergence"] == plain["divergence"]


def test_matching_start_round_changes_later_rounds():
    options = {"rounds": 2, "seeds": 1, "local_epochs": 1, "matching_weight": 1.0}
    always = fedrep.Config(**options)
    late = fedrep.Config(**options, matching_start_round=1)
    plain = fedrep.federate(always, seed=0, lr=0.3, matching=False, adaptive=False)
    first = fedrep.federate(late, seed=0, lr=0.3, matching=True, adaptive=False)
    second = fedrep.federate(always, seed=0, lr=0.3, matching=True, adaptive=False)
    # Round 0 of the late arm is plain FedAvg, and round 1 adds the matching loss.
    assert first["history"][0] == plain["history"][0]
    assert first["divergence"] != plain["divergence"]
    assert first["divergence"] != second["divergence"]


def test_lr_decay_round_zero_halves_rate():
    options = {"rounds": 2, "seeds": 1, "local_epochs": 1}
    halved = fedrep.Config(**options, lr=0.6, lr_decay_round=0, lr_decay_factor=0.5)
    plain = fedrep.Config(**options)
    decayed = fedrep.federate(halved, seed=0, lr=0.6, matching=False, adaptive=False)
    reference = fedrep.federate(plain, seed=0, lr=0.3, matching=False, adaptive=False)
    assert decayed["history"] == reference["history"]


def test_lr_decay_changes_later_rounds():
    options = {"rounds": 2, "seeds": 1, "local_epochs": 1}
    late = fedrep.Config(**options, lr_decay_round=1)
    plain = fedrep.federate(
        fedrep.Config(**options), seed=0, lr=0.3, matching=False, adaptive=False
    )
    decayed = fedrep.federate(late, seed=0, lr=0.3, matching=False, adaptive=False)
    assert decayed["history"][0] == plain["history"][0]
    assert decayed["history"][1] != plain["history"][1]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("matching_start_round", -1, "matching_start_round=-1 is invalid"),
        ("lr_decay_round", -1, "lr_decay_round=-1 is invalid"),
        ("lr_decay_factor", 0.0, "lr_decay_factor=0.0 must be > 0"),
    ],
)
def test_config_rejects_bad_schedule(field, value, message):
    with pytest.raises(ValueError, match=message):
        fedrep.Config(**{field: value})
