"""Pass criteria of an experiment: a measured value against its source's target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    """One pass criterion evaluated on a run's metrics.

    Attributes:
        name: short identifier, for example ``"mf_vs_specialist_gap"``.
        value: the measured quantity the criterion tests.
        target_text: the requirement in words, for example ``"<= 1.5 points"``.
        passed: whether ``value`` meets the requirement.
    """

    name: str
    value: float
    target_text: str
    passed: bool


def at_least(name: str, value: float, target: float, unit: str = "") -> Criterion:
    """Return a criterion that passes when ``value >= target``."""
    return Criterion(name, float(value), f">= {target:g}{unit}", bool(value >= target))


def at_most(name: str, value: float, target: float, unit: str = "") -> Criterion:
    """Return a criterion that passes when ``value <= target``."""
    return Criterion(name, float(value), f"<= {target:g}{unit}", bool(value <= target))
