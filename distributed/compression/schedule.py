"""Compression-rate schedules: the ratio ``c >= 1`` used in each epoch (``c = 1``: no compression).

Variable rates follow the idea of Cerviño, Turja, Mostafa et al., "Distributed Training
of Large Graph Neural Networks with Variable Communication Rates" (2024,
https://arxiv.org/abs/2406.17611): compress hard early, when the model is far from a
solution, and let the compression error vanish by sending everything at the end. With
``e`` the number of finished epochs, ``c_0`` the starting ratio and ``E`` the end epoch:

* fixed: ``c(e) = c_0``;
* step: ``S`` equal plateaus, ``c(e) = c_0^{1 - floor(e S / E) / S}`` for ``e < E``
  (with ``c_0 = 16, S = 4``: 16, 8, 4, 2), then 1;
* exp: ``c(e) = c_0^{1 - e / E}`` for ``e < E``, then 1 (a continuous exponential decay);
* adaptive: starts at ``c_0`` and divides the ratio by ``factor`` whenever the
  validation loss has not improved (by a relative ``1e-3``) for ``patience`` epochs.
  A NaN or infinite loss counts as an epoch without improvement, so a run whose loss
  stays NaN still reaches ratio 1. With ``end_epoch`` set, the ratio is 1 from that
  epoch on.

Every schedule is a dataclass, so its repr (logged at the start of training) is its
complete configuration. ``state_dict`` returns what a resumed run needs beyond that
configuration: nothing for the schedules that are functions of the epoch, and the
current ratio, best loss and stalled epochs for ``adaptive``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from graphkit.whole_numbers import WrongTypeError, as_whole_number


class _Stateless:
    """State methods of a schedule whose ratio depends on the epoch alone."""

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


@dataclass
class FixedSchedule(_Stateless):
    """The same ratio in every epoch."""

    ratio: float

    def __post_init__(self) -> None:
        _check_ratio(self.ratio)

    def next_ratio(self, epochs_done: int, val_loss: float | None) -> float:
        """Return the ratio for the epoch after ``epochs_done`` finished epochs.

        ``val_loss`` is the validation loss of the last finished epoch, or None
        before the first. Only :class:`AdaptiveSchedule` reads it.
        """
        return self.ratio


@dataclass
class StepSchedule(_Stateless):
    """``steps`` geometric plateaus from ``start`` down to 1 at ``end_epoch``."""

    start: float
    end_epoch: int
    steps: int = 4

    def __post_init__(self) -> None:
        _check_ratio(self.start)
        self.end_epoch = _positive_int("end_epoch", self.end_epoch)
        self.steps = _positive_int("steps", self.steps)

    def next_ratio(self, epochs_done: int, val_loss: float | None) -> float:
        if epochs_done >= self.end_epoch:
            return 1.0
        plateau = math.floor(epochs_done * self.steps / self.end_epoch)
        return self.start ** (1 - plateau / self.steps)


@dataclass
class ExpSchedule(_Stateless):
    """``start^(1 - e / end_epoch)``: exponential decay from ``start`` to 1 at ``end_epoch``."""

    start: float
    end_epoch: int

    def __post_init__(self) -> None:
        _check_ratio(self.start)
        self.end_epoch = _positive_int("end_epoch", self.end_epoch)

    def next_ratio(self, epochs_done: int, val_loss: float | None) -> float:
        if epochs_done >= self.end_epoch:
            return 1.0
        return self.start ** (1 - epochs_done / self.end_epoch)


@dataclass
class AdaptiveSchedule:
    """Divide the ratio by ``factor`` when the validation loss stalls for ``patience`` epochs.

    ``best`` is the best finite loss since the ratio last changed, or inf while there
    is none. A NaN or infinite loss never improves on it, so it counts towards
    ``patience``, and the ratio keeps falling to 1 while the loss stays NaN.
    """

    start: float
    patience: int = 5
    factor: float = 2.0
    end_epoch: int | None = None
    ratio: float = field(init=False, repr=False)
    best: float = field(default=math.inf, init=False, repr=False)
    stalled: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        _check_ratio(self.start)
        self.patience = _positive_int("patience", self.patience)
        if not (math.isfinite(self.factor) and self.factor > 1):
            raise ValueError(f"factor must be finite and greater than 1, got {self.factor}")
        self.ratio = float(self.start)

    def next_ratio(self, epochs_done: int, val_loss: float | None) -> float:
        """Return the ratio for the epoch after ``epochs_done`` finished epochs.

        ``val_loss`` is the validation loss of the last finished epoch. None (before
        the first epoch, or on a resume without this schedule's state) counts no
        epoch.
        """
        if val_loss is not None:
            self._count_epoch(float(val_loss))
        if self.end_epoch is not None and epochs_done >= self.end_epoch:
            self.ratio = 1.0
        return self.ratio

    def _count_epoch(self, val_loss: float) -> None:
        finite = math.isfinite(val_loss)
        # A best saved as NaN by an earlier version counts as no best yet.
        improved = finite and (
            not math.isfinite(self.best) or val_loss < self.best - 1e-3 * abs(self.best)
        )
        if improved:
            self.best, self.stalled = val_loss, 0
        else:
            self.stalled += 1
        if self.stalled >= self.patience and self.ratio > 1:
            self.ratio = max(1.0, self.ratio / self.factor)
            # The new rate gets a fresh patience window and a fresh best loss.
            self.best, self.stalled = (val_loss if finite else math.inf), 0

    def state_dict(self) -> dict:
        return {"ratio": self.ratio, "best": self.best, "stalled": self.stalled}

    def load_state_dict(self, state: dict) -> None:
        self.ratio = float(state["ratio"])
        self.best = float(state["best"])
        self.stalled = int(state["stalled"])


Schedule = FixedSchedule | StepSchedule | ExpSchedule | AdaptiveSchedule
SCHEDULES = ("fixed", "step", "exp", "adaptive")


def make_schedule(
    kind: str,
    ratio: float,
    end_epoch: int | None = None,
    steps: int = 4,
    patience: int = 5,
) -> Schedule:
    """Build a schedule by name (one of :data:`SCHEDULES`).

    ``end_epoch`` is required by ``step`` and ``exp`` and optional for ``adaptive``.
    """
    if kind == "fixed":
        return FixedSchedule(ratio)
    if kind == "adaptive":
        return AdaptiveSchedule(ratio, patience, end_epoch=end_epoch)
    if kind not in SCHEDULES:
        raise ValueError(
            f"unknown compression schedule {kind!r}. Choose one of {SCHEDULES}"
        )
    if end_epoch is None:
        raise ValueError(
            f"the {kind} schedule needs end_epoch, its last compressed epoch (the "
            "ratio is 1 after it)"
        )
    if kind == "step":
        return StepSchedule(ratio, end_epoch, steps)
    return ExpSchedule(ratio, end_epoch)


def _check_ratio(ratio: float) -> None:
    # An infinite ratio would never decay: inf ** t and inf / factor stay infinite.
    if not (math.isfinite(ratio) and ratio >= 1):
        raise ValueError(f"compression ratio must be finite and at least 1, got {ratio}")


def _positive_int(name: str, value: int) -> int:
    """Return ``value`` as an int, raising unless it is a whole number >= 1.

    TrainConfig requires the same. A NumPy integer or a one-element integer tensor
    becomes an int, so that the ratios computed from it are floats and not tensors.
    """
    whole = as_whole_number(value)
    if whole is None:
        raise WrongTypeError(f"{name} must be a whole number, got {value!r}")
    if whole < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return whole
