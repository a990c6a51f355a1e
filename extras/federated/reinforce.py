"""Online REINFORCE over a grid of hyper-parameters (learning rate x local epochs).

The server keeps logits theta over the grid cells; pi = softmax(theta). Each round every
selected client draws a cell a_c ~ pi and trains with it. After aggregation the round's
reward r is the relative decrease of the training loss of the global model on the
participating clients' data, and the policy takes one ascent step on the expected
reward:

.. math::
    \\theta \\leftarrow \\theta + \\eta \\, \\frac{r - b}{s} \\sum_c
        \\nabla_\\theta \\log \\pi_\\theta(a_c),\\qquad
    \\nabla_\\theta \\log \\pi_\\theta(a) = e_a - \\pi_\\theta

with the moving-average baseline b and moving standard deviation s of past rewards.
With one reward r_c per client, each term of the sum takes its own advantage
``(r_c - b) / s``, and b follows the mean reward of the round.

NOTE: the abstract of arXiv:1912.13075 fixes the principle, an online REINFORCE that
maximises the expected training-loss improvement. The rewards (shared per round, or
per client), their normalisation and the step size are reconstructions, not checked
against the paper body.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


class HyperparameterPolicy:
    """Categorical policy over ``learning_rates x local_epochs``.

    Args:
        learning_rates (tuple[float, ...]): learning-rate choices.
        local_epochs (tuple[int, ...]): local-epoch choices.
        step_size (float, default 0.5): eta, the policy learning rate.
        momentum (float, default 0.9): decay of the reward baseline and spread.
        seed (int | np.random.SeedSequence, default 0): seed of the sampling.
    """

    def __init__(
        self,
        learning_rates: tuple[float, ...],
        local_epochs: tuple[int, ...],
        step_size: float = 0.5,
        momentum: float = 0.9,
        seed: int | np.random.SeedSequence = 0,
    ):
        self.cells = list(itertools.product(learning_rates, local_epochs))
        self.theta = np.zeros(len(self.cells))
        self.step_size = step_size
        self.momentum = momentum
        self.baseline: float | None = None
        self.spread = 1.0
        self.rng = np.random.default_rng(seed)

    @property
    def probabilities(self) -> np.ndarray:
        weights = np.exp(self.theta - self.theta.max())
        return weights / weights.sum()

    def sample(self, count: int) -> list[int]:
        """Draw ``count`` grid cells (indices into ``cells``)."""
        return self.rng.choice(
            len(self.cells), size=count, p=self.probabilities
        ).tolist()

    def update(self, actions: list[int], reward: float | list[float]) -> None:
        """Take one REINFORCE step for the cells ``actions``.

        Args:
            actions (list[int]): the cells drawn this round, one per client.
            reward (float or list[float]): one reward shared by every action, or one
                reward per action. With per-action rewards each cell's log-probability
                moves by its own advantage, and the baseline follows their mean.

        Raises:
            ValueError: an action is not a cell index, a reward is NaN or infinite,
                or the reward list is empty. The policy is left unchanged.
        """
        self._check_actions(actions)
        rewards = np.atleast_1d(np.asarray(reward, dtype=np.float64))
        if not np.isfinite(rewards).all():
            # A NaN reward would become the baseline on the first update, and every
            # later advantage would be NaN. Raising here leaves the policy unchanged.
            raise ValueError(
                f"reward {reward!r} is not finite. Score a diverged round with a "
                "finite floor (the federation uses -1) or skip the update."
            )
        if np.ndim(reward) > 0:
            return self._update_each(actions, [float(r) for r in reward])
        reward = float(reward)
        if self.baseline is None:
            self.baseline, self.spread = reward, max(abs(reward), 1e-3)
            return
        # NOTE: the spread decays by ``momentum`` in every round whose reward equals
        # the baseline, and only 1e-8 bounds it below. After many such rounds one
        # different reward gives a very large step toward (or away from) its cells.
        advantage = (reward - self.baseline) / max(self.spread, 1e-8)
        gradient = np.zeros_like(self.theta)
        for action in actions:
            gradient[action] += 1.0
            gradient -= self.probabilities
        self.theta += self.step_size * advantage * gradient
        deviation = abs(reward - self.baseline)
        self.baseline = self.momentum * self.baseline + (1 - self.momentum) * reward
        self.spread = self.momentum * self.spread + (1 - self.momentum) * deviation
        if not math.isfinite(self.theta.sum()):
            raise FloatingPointError(f"policy logits became non-finite: {self.theta}")

    def _check_actions(self, actions: list[int]) -> None:
        """Raise ValueError unless every action is a cell index in ``[0, len(cells))``.

        A negative index would otherwise update a cell counted from the end.
        """
        for action in actions:
            # bool is an int subclass, so True would otherwise update cell 1.
            if isinstance(action, bool) or not 0 <= action < len(self.cells):
                raise ValueError(
                    f"action {action!r} is not a cell index. Pass indices in "
                    f"[0, {len(self.cells)}) as returned by sample()."
                )

    def _update_each(self, actions: list[int], rewards: list[float]) -> None:
        if len(rewards) != len(actions):
            raise ValueError(
                f"got {len(rewards)} rewards for {len(actions)} actions: give one "
                "reward per action, or one shared float"
            )
        if not rewards:
            # The mean of no rewards is NaN, which would become the baseline.
            raise ValueError(
                "got an empty reward list. Skip the update for a round without actions."
            )
        mean = float(np.mean(rewards))
        if self.baseline is None:
            self.baseline = mean
            self.spread = max(float(np.mean(np.abs(np.subtract(rewards, mean)))), 1e-3)
            return
        gradient = np.zeros_like(self.theta)
        probabilities = self.probabilities
        for action, reward in zip(actions, rewards):
            advantage = (reward - self.baseline) / max(self.spread, 1e-8)
            gradient[action] += advantage
            gradient -= advantage * probabilities
        self.theta += self.step_size * gradient
        deviation = float(np.mean(np.abs(np.subtract(rewards, self.baseline))))
        self.baseline = self.momentum * self.baseline + (1 - self.momentum) * mean
        self.spread = self.momentum * self.spread + (1 - self.momentum) * deviation
        if not math.isfinite(self.theta.sum()):
            raise FloatingPointError(f"policy logits became non-finite: {self.theta}")
