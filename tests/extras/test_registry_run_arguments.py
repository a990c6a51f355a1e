"""run_experiment rejects Python arguments that would run another config than given."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from graphkit.extras import registry
from toy_experiments import ToyConfig, register_toy

RUNS: list[ToyConfig] = []


def _run_recorded(config):
    RUNS.append(config)
    return {"score": float(config.size)}


@dataclass
class _OtherConfig:
    size: int = 5


@pytest.fixture
def recorded_experiment(monkeypatch):
    RUNS.clear()
    yield from register_toy(monkeypatch, "recorded_toy", _run_recorded)


def test_string_overrides_rejected(recorded_experiment):
    message = "overrides='size=3' is one string. Pass a list: ['size=3']"
    with pytest.raises(TypeError, match=re.escape(message)):
        registry.run_experiment(recorded_experiment, overrides="size=3")
    assert RUNS == []


def test_config_with_overrides_rejected(recorded_experiment):
    with pytest.raises(ValueError, match=r"overrides=\['size=3'\] cannot change"):
        registry.run_experiment(
            recorded_experiment, overrides=["size=3"], config=ToyConfig(size=2)
        )
    assert RUNS == []


def test_config_of_other_experiment_rejected(recorded_experiment):
    with pytest.raises(TypeError) as caught:
        registry.run_experiment(recorded_experiment, config=_OtherConfig())
    message = str(caught.value)
    assert "config is a test_registry_run_arguments._OtherConfig" in message
    assert "needs a toy_experiments.ToyConfig" in message
    assert RUNS == []


def test_ready_config_runs(recorded_experiment):
    result = registry.run_experiment(recorded_experiment, config=ToyConfig(size=2))
    assert RUNS == [ToyConfig(size=2)]
    assert result.metrics == {"score": 2.0}
    assert result.config == {"size": 2}


def test_list_overrides_run(recorded_experiment):
    result = registry.run_experiment(recorded_experiment, overrides=["size=3"])
    assert RUNS == [ToyConfig(size=3)]
    assert result.metrics == {"score": 3.0}
