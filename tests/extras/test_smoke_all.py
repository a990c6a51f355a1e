"""Run the smoke config of every registered experiment and check its metrics are finite."""

from __future__ import annotations

import math

import pytest
from graphkit.extras import registry

EXPERIMENT_NAMES = [e.name for e in registry.list_experiments()]


@pytest.mark.parametrize("name", EXPERIMENT_NAMES)
def test_smoke_run_finite(name):
    result = registry.run_experiment(name, smoke=True)
    assert result.metrics, f"{name} returned no metrics"
    for key, value in result.metrics.items():
        assert math.isfinite(value), f"{name}: metric {key}={value} is not finite"
    assert result.criteria, f"{name} evaluated no criteria"
    for criterion in result.criteria:
        assert isinstance(criterion, registry.Criterion)
        assert isinstance(criterion.passed, bool), (
            f"{name}: {criterion.name}.passed not bool"
        )


def test_registered_modules_import():
    errors = {
        module: error
        for module, error in registry.import_errors().items()
        if "No module named" not in error
    }
    assert not errors, f"experiment modules failed to import: {errors}"
