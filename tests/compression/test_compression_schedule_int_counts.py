"""Schedules store tensor and NumPy counts as ints, so their ratios stay floats."""

import numpy as np
import torch

from graphkit.distributed.compression.schedule import (
    AdaptiveSchedule,
    ExpSchedule,
    StepSchedule,
)


def test_exp_schedule_tensor_end_epoch():
    schedule = ExpSchedule(4.0, torch.tensor(10))
    assert type(schedule.end_epoch) is int
    # 4 ** (1 - 5 / 10) = 2.
    ratio = schedule.next_ratio(5, None)
    assert type(ratio) is float
    assert ratio == 2.0


def test_step_schedule_numpy_and_tensor_counts():
    schedule = StepSchedule(4.0, np.int64(10), torch.tensor(2))
    assert type(schedule.end_epoch) is int
    assert type(schedule.steps) is int
    # Epoch 5 of 10 starts plateau 1 of 2: 4 ** (1 - 1 / 2) = 2.
    ratio = schedule.next_ratio(5, None)
    assert type(ratio) is float
    assert ratio == 2.0


def test_adaptive_schedule_tensor_patience():
    assert type(AdaptiveSchedule(4.0, patience=torch.tensor(3)).patience) is int
