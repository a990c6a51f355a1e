"""Fine-tuning settings that Adam would accept or fail on only after the closed-form fit."""

from __future__ import annotations

import math

import pytest

from graphkit.embed.deep import FinetuneConfig


@pytest.mark.parametrize("lr", [math.nan, math.inf, 0.0, -1e-3])
def test_invalid_lr_rejected(lr):
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        FinetuneConfig(lr=lr)


@pytest.mark.parametrize("weight_decay", [math.nan, math.inf, -1e-5])
def test_invalid_weight_decay_rejected(weight_decay):
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        FinetuneConfig(weight_decay=weight_decay)


@pytest.mark.parametrize("logit_scale", [math.nan, math.inf, 0.0])
def test_invalid_logit_scale_rejected(logit_scale):
    with pytest.raises(ValueError, match="logit_scale must be a finite number > 0"):
        FinetuneConfig(logit_scale=logit_scale)


def test_zero_weight_decay_allowed():
    assert FinetuneConfig(weight_decay=0.0).weight_decay == 0.0
