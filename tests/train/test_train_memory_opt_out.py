"""--no-memory-check lets a run that the memory estimate rejects train anyway.

The memory check's estimate was 1.1 to 2.4 times the measured CPU peak (README.md),
so the check can reject a run that would fit, and the opt-out is the way past it.
"""

import argparse
import logging

import pytest
import torch
from graphkit.launch.cli import run

from graphkit.train import TrainConfig, model_memory
from graphkit.train.config import add_config_arguments, config_from_args
from graphkit.train.model_memory import ModelMemoryError, check_training_memory

# Three sage layers 2 -> 3 -> 3 -> 4 on 5 nodes (see test_train_model_memory.py):
# the lower bound is 4 * (4 * 27 + 50) = 632 bytes. The activations are
# 2.2 * 5 * (2 + 12 + 4) = 198 values and the input dropout 2 * 5 * 2 = 20, of 4
# bytes each, and the workspace is 128 MiB.
SMALL = TrainConfig(model="sage", hidden=3, layers=3)
LOWER_BOUND = 632
ESTIMATE = LOWER_BOUND + 4 * 218 + 128 * 2**20


def test_estimate_error_names_the_opt_out(monkeypatch):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: 2**20)
    with pytest.raises(ModelMemoryError) as caught:
        check_training_memory(SMALL, torch.zeros(5, 2), 4)
    assert str(caught.value) == (
        "training model='sage' with hidden=3, layers=3 on 5 nodes and 0 edges with 2 "
        f"features needs an estimated {ESTIMATE / 2**30:.4g} GiB for the parameters, "
        "gradients, Adam states and activations (at least "
        f"{LOWER_BOUND / 2**30:.4g} GiB), but 0.0009766 GiB of cpu memory is free. "
        "Lower hidden or layers, or pass memory_check=False to train anyway, since the "
        "estimate can be more than twice the real peak"
    )


def test_opt_out_warns_on_estimate(monkeypatch, caplog):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: 2**20)
    config = TrainConfig(model="sage", hidden=3, layers=3, memory_check=False)
    with caplog.at_level(logging.WARNING, logger=model_memory.__name__):
        assert check_training_memory(config, torch.zeros(5, 2), 4) is None
    [record] = caplog.records
    assert record.getMessage().endswith(
        "but 0.0009766 GiB of cpu memory is free. Training goes on, because the "
        "memory check is off"
    )
    assert "needs an estimated" in record.getMessage()


def test_opt_out_warns_on_lower_bound(monkeypatch, caplog):
    # 600 bytes are below the lower bound of 632. The opt-out warns here too, because
    # the free memory leaves out swap and memory that other processes release later.
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: 600)
    config = TrainConfig(model="sage", hidden=3, layers=3, memory_check=False)
    with caplog.at_level(logging.WARNING, logger=model_memory.__name__):
        assert check_training_memory(config, torch.zeros(5, 2), 4) is None
    [record] = caplog.records
    assert f"needs at least {LOWER_BOUND / 2**30:.4g} GiB" in record.getMessage()


def test_lower_bound_error_without_opt_out(monkeypatch):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: 600)
    with pytest.raises(ModelMemoryError, match="needs at least") as caught:
        check_training_memory(SMALL, torch.zeros(5, 2), 4)
    assert "memory_check" not in str(caught.value)


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], True),
        (["--no-memory-check"], False),
        (["--memory-check", "false"], False),
        (["--memory-check"], True),
        (["--no-memory-check", "false"], True),
    ],
)
def test_memory_check_flag_forms(argv, expected):
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    assert config_from_args(parser.parse_args(argv)).memory_check is expected


def test_memory_check_yaml_key(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("memory_check: false\n")
    assert TrainConfig.from_yaml(path).memory_check is False


# The default sage run on the synthetic graph (20,000 nodes, 64 features) has a lower
# bound of a few MiB and an estimate above the 128 MiB workspace, so 100 MiB of free
# memory rejects the estimate only.
FREE = 100 * 2**20


def test_command_line_error_names_flag(monkeypatch, capsys):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: FREE)
    assert run(["train", "--epochs", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "needs an estimated" in err
    assert err.endswith(
        "Lower --hidden or --layers, or pass --no-memory-check to train anyway, since "
        "the estimate can be more than twice the real peak"
    )


def test_command_line_opt_out_trains(monkeypatch, capsys):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: FREE)
    assert run(["train", "--epochs", "1", "--no-memory-check"]) == 0
    # The command line's log handler writes to stderr and does not propagate.
    warnings = [
        line for line in capsys.readouterr().err.splitlines()
        if "WARNING graphkit.train.model_memory" in line
    ]  # fmt: skip
    assert len(warnings) == 1
    assert "needs an estimated" in warnings[0]
    assert warnings[0].endswith("Training goes on, because the memory check is off")
