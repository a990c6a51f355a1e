"""Federated digits over pathological non-IID clients: FedAvg, matching and REINFORCE.

scikit-learn digits (fixed split of :mod:`graphkit.extras.common.data`) are dealt to
``num_clients`` clients with ``classes_per_client`` classes each. Every round the server
picks ``clients_per_round`` clients, each trains the global MLP locally
(:mod:`graphkit.extras.federated.client`), and the server averages the weights in
proportion to the client sample counts (FedAvg). Arms, each over ``seeds`` seeds:

* FedAvg at every learning rate of ``learning_rates`` (``local_epochs`` epochs);
* FedAvg at ``lr`` on an IID split of the same digits, the control without drift;
* FedAvg + representation matching at every rate of ``learning_rates``. It is
  compared with FedAvg at the shared rate ``lr``, and with each arm at its own best
  rate of the grid, chosen on the same seeds;
* its ablation with P = I fixed at ``lr`` (feature distillation toward the round's
  global model);
* FedAvg with learning rate and local epochs drawn per client from the REINFORCE
  policy of :mod:`graphkit.extras.federated.reinforce`;
* both combined.

Metrics are the final global test accuracies (mean over seeds), the mean distance
between client and aggregated weights, and the policy's final distribution.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch
from graphkit.extras.common.data import DigitsSplit, load_digits_split
from graphkit.extras.common.train import seed_everything
from graphkit.extras.federated.client import (
    MLP,
    accuracy,
    local_train,
    matching_maps,
    mean_loss,
)
from graphkit.extras.federated.fedrep_config import (  # noqa: F401 (re-exported)
    _CONFIG_CHECKS,
    Config,
    _check_counts,
    _check_finite,
    _check_grid_values,
    _check_grids_not_empty,
    _check_map_training,
    _check_matching_and_policy,
    _check_schedule,
    _check_seed_and_momentum,
)
from graphkit.extras.federated.partition import iid_split, pathological_split
from graphkit.extras.federated.reinforce import HyperparameterPolicy
from graphkit.extras.registry import Criterion, at_least, at_most, register
from torch import nn

logger = logging.getLogger(__name__)


def _average(models: list[MLP], weights: np.ndarray) -> dict[str, torch.Tensor]:
    states = [m.state_dict() for m in models]
    return {k: sum(float(w) * s[k] for w, s in zip(weights, states)) for k in states[0]}


def _marginal_rewards(
    aggregate: MLP,
    updates: list[MLP],
    finite: list[bool],
    sizes: list[int],
    x: torch.Tensor,
    y: torch.Tensor,
    before: float,
) -> list[float]:
    """Return each client's difference reward for the round's aggregate.

    .. math::
        r_c = \\frac{L(\\bar w_{-c}) - L(\\bar w)}{L(w_{t})}

    ``L`` is the loss on the round's data ``(x, y)`` and ``w_t`` the model before the
    round (loss ``before``). The first average is over all kept updates
    (``aggregate``), the second leaves client ``c`` out, so a client earns what its
    own update adds to the aggregate (a difference reward). A diverged update earns
    -1, and a client alone in the round earns the relative decrease of the loss.
    """
    after = mean_loss(aggregate, x, y)
    rewards = []
    for slot, ok in enumerate(finite):
        others = [i for i, good in enumerate(finite) if good and i != slot]
        weights = np.array([sizes[i] for i in others], dtype=float)
        if not ok:
            rewards.append(-1.0)
        elif weights.sum() == 0:
            rewards.append(_relative_decrease(before, after))
        else:
            probe = MLP()
            probe.load_state_dict(
                _average([updates[i] for i in others], weights / weights.sum())
            )
            reward = (mean_loss(probe, x, y) - after) / max(before, 1e-8)
            rewards.append(max(reward, -1.0) if np.isfinite(reward) else -1.0)
    return rewards


def _relative_decrease(before: float, after: float | None) -> float:
    """Return ``(before - after) / before``, at least -1 (the loss doubled).

    A diverged update (``after`` None) or a non-finite loss earns that floor, so the
    policy learns to avoid the cells that diverge.
    """
    if after is None:
        return -1.0
    reward = (before - after) / max(before, 1e-8)
    return max(reward, -1.0) if np.isfinite(reward) else -1.0


def _is_finite(model: MLP) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in model.parameters())


def _distance(model: MLP, state: dict[str, torch.Tensor]) -> float:
    squared = sum((p - state[k]).pow(2).sum() for k, p in model.state_dict().items())
    return float(torch.sqrt(squared))


def federate(
    config: Config,
    seed: int,
    lr: float | None,
    matching: bool,
    adaptive: bool,
    iid: bool = False,
    identity_maps: bool = False,
) -> dict[str, float]:
    """Run one federation and return the final test accuracy, divergence and policy.

    Args:
        config (Config): federation settings.
        seed (int): seed of the split, model initialisation and client sampling.
        lr (float | None): fixed learning rate (ignored when ``adaptive``).
        matching (bool): add the representation-matching loss.
        adaptive (bool): draw learning rate and epochs from the REINFORCE policy.
        iid (bool, default False): deal the digits to the clients at random instead
            of ``classes_per_client`` classes each (the control without client drift).
        identity_maps (bool, default False): with ``matching``, freeze P = I. This
            ablation is plain feature distillation toward the round's global model.
    """
    federation = _Federation.start(
        config, seed, lr, matching, adaptive, iid, identity_maps
    )
    rng = np.random.default_rng(seed)
    divergences, history, diverged = [], [], 0
    for round_index in range(config.rounds):
        chosen = rng.choice(
            len(federation.parts), config.clients_per_round, replace=False
        )
        divergence, round_diverged = federation.run_round(round_index, chosen)
        diverged += round_diverged
        if divergence is not None:
            divergences.append(divergence)
        history.append(federation.global_accuracy())
    return _federation_result(config, history, divergences, diverged, federation)


def _deal_clients(
    config: Config, data: DigitsSplit, seed: int, iid: bool
) -> list[np.ndarray]:
    """Split the training rows over the clients, at random or by class."""
    if iid:
        return iid_split(len(data.y_train), config.num_clients, seed)
    return pathological_split(
        data.y_train.numpy(), config.num_clients, config.classes_per_client, seed
    )


def _new_maps(model: MLP, config: Config, identity_maps: bool) -> nn.ModuleList:
    """Build a client's maps P = I, frozen when ``identity_maps``."""
    maps = matching_maps(model, config.matching_layers)
    maps.requires_grad_(not identity_maps)
    return maps


def _client_policy(config: Config, seed: int) -> HyperparameterPolicy:
    """Build the REINFORCE policy over the grid, with its own random stream."""
    # The policy gets its own stream. Seeded with ``seed`` itself, it would replay the
    # draws of ``rng``, which correlates each client's cell with its position in
    # the client draw. A spawn key keeps the two streams independent.
    return HyperparameterPolicy(
        config.learning_rates,
        config.epoch_choices,
        config.policy_step,
        seed=np.random.SeedSequence(seed, spawn_key=(1,)),
    )


@dataclass
class _Federation:
    """State of one federated run, with the clients' data, global model and policy.

    ``lr``, ``matching``, ``adaptive`` and ``identity_maps`` select the arm, as in
    :func:`federate`.
    """

    config: Config
    data: DigitsSplit
    parts: list[np.ndarray]
    model: MLP
    maps: list[nn.ModuleList | None]
    policy: HyperparameterPolicy
    generator: torch.Generator
    lr: float | None
    matching: bool
    adaptive: bool
    identity_maps: bool

    @classmethod
    def start(
        cls,
        config: Config,
        seed: int,
        lr: float | None,
        matching: bool,
        adaptive: bool,
        iid: bool,
        identity_maps: bool,
    ) -> _Federation:
        """Seed the generators and build the client split, model, maps and policy."""
        generator = seed_everything(seed)
        data = load_digits_split(seed=0)
        parts = _deal_clients(config, data, seed, iid)
        model = MLP()
        maps = [None] * len(parts)
        if matching:
            maps = [_new_maps(model, config, identity_maps) for _ in parts]
        policy = _client_policy(config, seed)
        return cls(
            config,
            data,
            parts,
            model,
            maps,
            policy,
            generator,
            lr,
            matching,
            adaptive,
            identity_maps,
        )

    def global_accuracy(self) -> float:
        """Return the global model's accuracy on the test digits."""
        return accuracy(self.model, self.data.x_test, self.data.y_test)

    def run_round(
        self, round_index: int, chosen: np.ndarray
    ) -> tuple[float | None, int]:
        """Train the ``chosen`` clients, aggregate their updates and update the policy.

        Returns the mean distance of the kept updates to their average (None when the
        round keeps the previous model) and the number of diverged updates.
        """
        actions = self.policy.sample(len(chosen)) if self.adaptive else []
        locals_, sizes = self._train_clients(round_index, chosen, actions)
        finite = [_is_finite(m) for m in locals_]
        state, divergence = _aggregate_finite(self.model, locals_, sizes, finite)
        self._load_and_reward(state, chosen, actions, locals_, finite, sizes)
        return divergence, len(finite) - sum(finite)

    def _train_clients(
        self, round_index: int, chosen: np.ndarray, actions: list[int]
    ) -> tuple[list[MLP], list[int]]:
        """Return each chosen client's locally trained model and its sample count."""
        config = self.config
        matching_weight, rate_factor = _round_schedule(
            config, round_index, self.matching
        )
        locals_, sizes = [], []
        for slot, client in enumerate(chosen):
            rows = torch.from_numpy(self.parts[client])
            if self.matching and config.reset_maps:
                self.maps[client] = _new_maps(self.model, config, self.identity_maps)
            step, epochs = (
                self.policy.cells[actions[slot]]
                if self.adaptive
                else (self.lr, config.local_epochs)
            )
            locals_.append(
                self._train_client(
                    client, rows, step * rate_factor, epochs, matching_weight
                )
            )
            sizes.append(len(rows))
        return locals_, sizes

    def _train_client(
        self,
        client: int,
        rows: torch.Tensor,
        lr: float,
        epochs: int,
        matching_weight: float,
    ) -> MLP:
        """Train a copy of the global model on the training ``rows`` of ``client``."""
        config = self.config
        return local_train(
            self.model,
            self.data.x_train[rows],
            self.data.y_train[rows],
            lr,
            epochs,
            config.batch_size,
            self.generator,
            self.maps[client],
            matching_weight,
            config.momentum,
            config.matching_layers,
            config.map_lr,
            config.matching_normalize,
            config.map_ridge,
        )

    def _load_and_reward(
        self,
        state: dict[str, torch.Tensor],
        chosen: np.ndarray,
        actions: list[int],
        locals_: list[MLP],
        finite: list[bool],
        sizes: list[int],
    ) -> None:
        """Load ``state`` into the global model and reward the policy's draws."""
        rows = torch.from_numpy(np.concatenate([self.parts[c] for c in chosen]))
        # With no training samples in the round there is no loss to compare, so the
        # policy skips its update instead of scoring the NaN reward as a divergence.
        if not (self.adaptive and len(rows)):
            self.model.load_state_dict(state)
            return
        x_round, y_round = self.data.x_train[rows], self.data.y_train[rows]
        before = mean_loss(self.model, x_round, y_round)
        self.model.load_state_dict(state)
        if self.config.policy_reward == "marginal":
            rewards = _marginal_rewards(
                self.model, locals_, finite, sizes, x_round, y_round, before
            )
            self.policy.update(actions, rewards)
        else:
            after = mean_loss(self.model, x_round, y_round) if all(finite) else None
            self.policy.update(actions, _relative_decrease(before, after))


def _round_schedule(
    config: Config, round_index: int, matching: bool
) -> tuple[float, float]:
    """Return the round's matching weight and its learning-rate multiplier."""
    matching_weight = (
        config.matching_weight
        if matching and round_index >= config.matching_start_round
        else 0.0
    )
    decayed = config.lr_decay_round is not None and round_index >= config.lr_decay_round
    return matching_weight, config.lr_decay_factor if decayed else 1.0


def _aggregate_finite(
    model: MLP, locals_: list[MLP], sizes: list[int], finite: list[bool]
) -> tuple[dict[str, torch.Tensor], float | None]:
    """Average the finite updates by sample count, and return the state and divergence.

    The divergence is the mean distance of the kept updates to their average, and
    None when the state is ``model``'s own.
    """
    # The server drops updates with non-finite weights, which come from clients
    # whose local SGD diverged. If every update diverged, the round keeps the
    # previous model.
    finite_models = [m for m, ok in zip(locals_, finite) if ok]
    finite_sizes = np.array([n for n, ok in zip(sizes, finite) if ok])
    state = model.state_dict()
    # Clients without samples have weight 0. When every kept client is empty,
    # the weights would be 0 / 0 = NaN, so the round keeps the previous model.
    if finite_sizes.sum() > 0:
        state = _average(finite_models, finite_sizes / finite_sizes.sum())
        return state, np.mean([_distance(m, state) for m in finite_models])
    return state, None


def _federation_result(
    config: Config,
    history: list[float],
    divergences: list[float],
    diverged: int,
    federation: _Federation,
) -> dict[str, float]:
    """Return the run's accuracy, accuracy history, divergence and diverged updates.

    The accuracy is the mean over the last ``eval_rounds`` rounds. An adaptive run
    also returns the policy's probabilities and cells.
    """
    result = {
        "accuracy": float(np.mean(history[-config.eval_rounds :])),
        "history": history,
        "divergence": float(np.mean(divergences)) if divergences else float("nan"),
        "diverged_updates": diverged,
    }
    if federation.adaptive:
        result["probabilities"] = federation.policy.probabilities
        result["cells"] = federation.policy.cells
    return result


def _mean_over_seeds(config: Config, **arm) -> dict:
    seeds = range(config.first_seed, config.first_seed + config.seeds)
    runs = [federate(config, seed, **arm) for seed in seeds]
    summary = {
        "accuracy": float(np.mean([r["accuracy"] for r in runs])),
        "divergence": float(np.mean([r["divergence"] for r in runs])),
        "diverged_updates": int(sum(r["diverged_updates"] for r in runs)),
    }
    if "probabilities" in runs[0]:
        summary["probabilities"] = np.mean([r["probabilities"] for r in runs], axis=0)
        summary["cells"] = runs[0]["cells"]
    return summary


@register(
    "fedrep",
    "Robust Federated Learning Through Representation Matching and Adaptive "
    "Hyper-parameters",
    "digits over 20 two-class clients: FedAvg, representation matching, REINFORCE LR",
    13,
)
def run(config: Config) -> dict[str, float]:
    """Run every arm (module doc) and return accuracies in percent and policy metrics."""
    metrics: dict[str, float] = {}
    sweep = _sweep(config, metrics, matching=False)
    best_lr = max(sweep, key=lambda lr: sweep[lr]["accuracy"])
    # Matching gets the same grid, so each arm can be compared at its own best rate
    # (chosen on the same seeds) as well as at the shared rate ``lr``.
    matched_sweep = _sweep(config, metrics, matching=True)
    # The IID control bounds what countering client drift can add at this learning
    # rate.
    iid = _mean_over_seeds(
        config, lr=config.lr, matching=False, adaptive=False, iid=True
    )
    distilled = _mean_over_seeds(
        config, lr=config.lr, matching=True, adaptive=False, identity_maps=True
    )
    adaptive = _mean_over_seeds(config, lr=None, matching=False, adaptive=True)
    both = _mean_over_seeds(config, lr=None, matching=True, adaptive=True)
    fedavg = sweep[config.lr]
    metrics.update(_drift_metrics(fedavg, iid))
    metrics.update(_matching_metrics(config, sweep, matched_sweep, best_lr))
    metrics.update(_divergence_metrics(fedavg, matched_sweep[config.lr], distilled))
    metrics.update(_adaptive_metrics(sweep[best_lr], best_lr, adaptive, both))
    arms = [*sweep.values(), *matched_sweep.values(), iid, distilled, adaptive, both]
    metrics["diverged_updates"] = sum(arm["diverged_updates"] for arm in arms)
    return metrics


def _sweep(config: Config, metrics: dict[str, float], matching: bool) -> dict:
    """Run one arm at every rate of the grid and add each accuracy to ``metrics``."""
    sweep = {}
    for lr in config.learning_rates:
        sweep[lr] = _mean_over_seeds(config, lr=lr, matching=matching, adaptive=False)
        if matching:
            metrics[f"matching_lr{lr:g}_accuracy"] = 100 * sweep[lr]["accuracy"]
            logger.info("matching lr %g: accuracy %.4f", lr, sweep[lr]["accuracy"])
        else:
            metrics[f"fedavg_lr{lr:g}_accuracy"] = 100 * sweep[lr]["accuracy"]
            logger.info("FedAvg lr %g: accuracy %.4f", lr, sweep[lr]["accuracy"])
    return sweep


def _drift_metrics(fedavg: dict, iid: dict) -> dict[str, float]:
    """Compare FedAvg at ``lr`` on the class split with the IID split."""
    return {
        "fedavg_accuracy": 100 * fedavg["accuracy"],
        "fedavg_iid_accuracy": 100 * iid["accuracy"],
        "non_iid_cost_points": 100 * (iid["accuracy"] - fedavg["accuracy"]),
    }


def _matching_metrics(
    config: Config, sweep: dict, matched_sweep: dict, best_lr: float
) -> dict[str, float]:
    """Compare matching with FedAvg at ``lr``, at their best rates and over the grid."""
    fedavg, matched = sweep[config.lr], matched_sweep[config.lr]
    best_matching_lr = max(matched_sweep, key=lambda lr: matched_sweep[lr]["accuracy"])
    best_matching = matched_sweep[best_matching_lr]["accuracy"]
    return {
        "matching_accuracy": 100 * matched["accuracy"],
        "matching_gain_points": 100 * (matched["accuracy"] - fedavg["accuracy"]),
        "best_matching_lr": best_matching_lr,
        "best_matching_accuracy": 100 * best_matching,
        "matching_best_vs_best_points": 100
        * (best_matching - sweep[best_lr]["accuracy"]),
        # The difference of the grid means shows how much accuracy matching keeps
        # at untuned rates compared with FedAvg.
        "matching_grid_mean_gain_points": 100
        * float(
            np.mean([matched_sweep[lr]["accuracy"] for lr in config.learning_rates])
            - np.mean([sweep[lr]["accuracy"] for lr in config.learning_rates])
        ),
    }


def _divergence_metrics(
    fedavg: dict, matched: dict, distilled: dict
) -> dict[str, float]:
    """Return the divergences at ``lr`` and the accuracy and divergence with P = I."""
    return {
        "fedavg_divergence": fedavg["divergence"],
        "matching_divergence": matched["divergence"],
        "matching_divergence_ratio": matched["divergence"] / fedavg["divergence"],
        "identity_maps_accuracy": 100 * distilled["accuracy"],
        "identity_maps_divergence": distilled["divergence"],
    }


def _adaptive_metrics(
    best: dict, best_lr: float, adaptive: dict, both: dict
) -> dict[str, float]:
    """Compare the REINFORCE arms with FedAvg at its best fixed rate ``best_lr``."""
    best_cells = [i for i, (lr, _) in enumerate(adaptive["cells"]) if lr == best_lr]
    return {
        "best_fixed_lr": best_lr,
        "best_fixed_accuracy": 100 * best["accuracy"],
        "adaptive_accuracy": 100 * adaptive["accuracy"],
        "adaptive_gap_points": 100 * (best["accuracy"] - adaptive["accuracy"]),
        "adaptive_mass_on_best_lr": float(adaptive["probabilities"][best_cells].sum()),
        "adaptive_matching_accuracy": 100 * both["accuracy"],
    }


def criteria(metrics: dict[str, float]) -> list[Criterion]:
    """Return the matching criteria (gain, divergence) and the adaptive-gap criterion.

    Matching must gain >= 3 points over FedAvg at the same LR with a lower weight
    divergence, and REINFORCE must end within 2 points of the best fixed LR.

    NOTE: a method that only counters client drift cannot be expected to beat FedAvg
    on the IID split, so ``non_iid_cost_points`` bounds the matching gain. That bound
    is about 13 points with the default 20-round protocol and 2.6 points with 60
    rounds of 2 epochs.
    The matching defaults were picked on the seeds that the full run reports, and on
    other seeds their gain was under 1 point (docs/extras.md). The criterion compares
    at the shared rate ``lr``, whose default is FedAvg's best rate of the grid on the
    default seeds. The metric ``matching_best_vs_best_points`` is the stricter
    comparison: each arm at its own best rate of the grid on the run's seeds.
    """
    return [
        at_least("matching_gain_points", metrics["matching_gain_points"], 3.0),
        at_most("matching_divergence_ratio", metrics["matching_divergence_ratio"], 1.0),
        at_most("adaptive_gap_points", metrics["adaptive_gap_points"], 2.0),
    ]
