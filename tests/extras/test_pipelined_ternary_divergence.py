"""A diverged arm of pipelined_ternary is reported, not scored as 10% accuracy."""

import logging
import math

from graphkit.extras.spiking import pipelined_ternary


def _criteria_by_name(metrics):
    return {c.name: c for c in pipelined_ternary.criteria(metrics)}


def test_exact_arm_divergence_reported(caplog):
    # With η = 2^0 the exact arm's weights overflow to inf and NaN within one epoch.
    config = pipelined_ternary.Config(hidden=16, epochs=1, lr_exponent=0)
    with caplog.at_level(logging.WARNING):
        metrics = pipelined_ternary.run(config)

    assert metrics["exact_diverged"] == 1.0
    assert math.isnan(metrics["exact_accuracy"])
    assert metrics["ternary_diverged"] == 0.0
    assert metrics["pipelined_diverged"] == 0.0
    assert not math.isnan(metrics["pipelined_accuracy"])
    assert not _criteria_by_name(metrics)["gap_to_exact"].passed

    messages = [r.getMessage() for r in caplog.records]
    diverged = [m for m in messages if "exact arm diverged" in m]
    assert diverged
    assert "lr_exponent=0" in diverged[0]


def test_default_rate_no_divergence():
    config = pipelined_ternary.Config(hidden=8, epochs=1)
    metrics = pipelined_ternary.run(config)
    for arm in ("exact", "ternary", "pipelined"):
        assert metrics[f"{arm}_diverged"] == 0.0
        assert 0.0 <= metrics[f"{arm}_accuracy"] <= 100.0


def test_overflow_with_finite_weights_reported():
    # At η = 2^-2 the exact arm overflows to inf during training, but its weights end
    # finite, so only the overflow shows that it diverged. Without the overflow check
    # this arm would score about 10%, the accuracy of predicting one class.
    config = pipelined_ternary.Config(hidden=64, epochs=1, lr_exponent=2)
    metrics = pipelined_ternary.run(config)
    assert metrics["exact_diverged"] == 1.0
    assert math.isnan(metrics["exact_accuracy"])
