"""Run one experiment: build its config, time ``run`` and evaluate its criteria."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from graphkit.extras.criteria import Criterion
from graphkit.extras.overrides import apply_overrides
from graphkit.extras.registration import get

logger = logging.getLogger(__name__)


@dataclass
class ExperimentResult:
    """Metrics, evaluated criteria and wall time of one experiment run."""

    name: str
    title: str
    issue_group: int
    smoke: bool
    config: dict[str, Any]
    metrics: dict[str, float]
    criteria: list[Criterion]
    seconds: float
    error: str | None = None
    cpu_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """Whether the run finished and every criterion passed."""
        return self.error is None and all(c.passed for c in self.criteria)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serializable dict (non-finite floats become strings)."""
        return {
            "name": self.name,
            "title": self.title,
            "issue_group": self.issue_group,
            "smoke": self.smoke,
            "config": {k: _jsonable(v) for k, v in self.config.items()},
            "metrics": {k: _jsonable(v) for k, v in self.metrics.items()},
            "criteria": [
                {**dataclasses.asdict(c), "value": _jsonable(c.value)}
                for c in self.criteria
            ],
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "error": self.error,
        }


def run_experiment(
    name: str,
    smoke: bool = False,
    overrides: list[str] | None = None,
    config: Any = None,
) -> ExperimentResult:
    """Build the config, run the experiment, evaluate its criteria and time the run.

    Args:
        name (str): a registered experiment name.
        smoke (bool, default False): start from ``Config.smoke()`` instead of ``Config()``.
        overrides (list[str], optional): ``key=value`` strings applied on top.
        config (optional): a ready instance of the experiment's ``Config``, used in
            place of the default one. ``smoke`` is then only recorded in the result,
            and ``overrides`` must be empty.

    Raises:
        TypeError: ``overrides`` is one string, or ``config`` is not an instance of
            the experiment's ``Config``.
        ValueError: both ``config`` and ``overrides`` are given, or an override is
            invalid (see :func:`apply_overrides`), or a seed is out of range (see
            :func:`check_seeds`).
    """
    experiment = get(name)
    name = experiment.name
    if isinstance(overrides, str):
        # Iterating a string would read each character as one key=value pair.
        raise TypeError(
            f"overrides={overrides!r} is one string. Pass a list: [{overrides!r}]"
        )
    if config is None:
        config = apply_overrides(
            experiment.default_config(smoke), overrides or [], owner=name
        )
    elif overrides:
        raise ValueError(
            f"overrides={overrides} cannot change a ready config. Pass either config "
            "or overrides, or use dataclasses.replace(config, ...)"
        )
    elif not isinstance(config, experiment.config_cls):
        expected = experiment.config_cls
        raise TypeError(
            f"config is a {type(config).__module__}.{type(config).__qualname__}, but "
            f"experiment {name!r} needs a {expected.__module__}.{expected.__qualname__}"
        )
    check_seeds(config)
    logger.info("running %s (%s)", name, "smoke" if smoke else "full")
    start, cpu_start = time.perf_counter(), time.process_time()
    metrics = {key: float(value) for key, value in experiment.run(config).items()}
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    criteria = list(experiment.criteria(metrics))
    return ExperimentResult(
        name=name,
        title=experiment.title,
        issue_group=experiment.issue_group,
        smoke=smoke,
        config=dataclasses.asdict(config),
        metrics=metrics,
        criteria=criteria,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
    )


MAX_SEED = 2**32 - 1


def check_seeds(config: Any) -> None:
    """Raise ValueError when a seed field of ``config`` is outside [0, 2**32 - 1].

    Seed fields are ``seed`` and ``*_seed`` (an int) and ``seeds`` and ``*_seeds``
    when they are tuples (``seeds: int`` counts runs). The experiments pass seeds to
    numpy's ``default_rng``, which rejects negative seeds, to scikit-learn's
    ``random_state``, which accepts at most 2**32 - 1, and to torch, which rejects
    seeds of 2**64 and more. Their errors name neither the field nor the range.
    """
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        is_seed = field.name == "seed" or field.name.endswith("_seed")
        is_seed_list = field.name == "seeds" or field.name.endswith("_seeds")
        if is_seed and isinstance(value, int):
            values = [value]
        elif is_seed_list and isinstance(value, tuple):
            values = list(value)
        else:
            continue
        bad = [v for v in values if not 0 <= v <= MAX_SEED]
        if bad:
            raise ValueError(
                f"{field.name}={value} is invalid: seeds must be whole numbers from 0 "
                f"to {MAX_SEED}, found {bad[0]}. Pick a seed in that range"
            )


def _jsonable(value: Any) -> Any:
    """Replace non-finite floats, also inside lists, tuples and dicts, by strings.

    ``json.dumps`` writes them as NaN and Infinity, which strict JSON parsers reject.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value

