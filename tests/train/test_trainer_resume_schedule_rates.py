"""A resumed run trains every epoch at the learning rate of the uninterrupted run.

Scenarios of https://github.com/pytorch/pytorch/issues/60265 and
https://github.com/Lightning-AI/pytorch-lightning/issues/5455: after a resume, a cosine
schedule's rate jumped or restarted, because the schedule's position or the
optimizer's decayed rate was lost.
"""

import math

import pytest
from test_trainer import two_block_graph

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def rates_per_epoch(data, **options):
    """Fit, and return the learning rate of each epoch's step and the fit summary.

    Every epoch's validation score is 0.5, so the plateau schedule finds no gain after
    the first epoch and decays on a known epoch.
    """
    config = TrainConfig(**{"log_every": 100, "patience": 0, **options})
    trainer = Trainer(config, data, LocalGraph.from_data(data))
    rates = []
    train_step = trainer.train_step

    def recorded_step():
        rates.append(trainer.optimizer.param_groups[0]["lr"])
        return train_step()

    evaluate = trainer.evaluate

    def flat_evaluate():
        return {**evaluate(), "val": 0.5}

    trainer.train_step = recorded_step
    trainer.evaluate = flat_evaluate
    return rates, trainer.fit()


@pytest.mark.parametrize("schedule", ["cosine", "plateau"])
def test_resume_repeats_learning_rates(tmp_path, schedule):
    data = two_block_graph()
    # The plateau schedule decays once more than 10 epochs bring no gain. Here epochs
    # 2 to 12 bring none, so epoch 13 is the first at the decayed rate.
    options = {"lr_schedule": schedule, "lr": 0.5, "epochs": 16}
    full, full_summary = rates_per_epoch(
        data, out=str(tmp_path), checkpoint_every=4, **options
    )
    rest, resumed_summary = rates_per_epoch(
        data, out=str(tmp_path), resume=str(tmp_path / "checkpoint_000004.pt"), **options
    )
    assert rest == full[4:]
    assert resumed_summary == full_summary
    # The rate changes after the checkpoint, so the comparison covers restored decay.
    assert len(set(full[4:])) > 1
    if schedule == "plateau":
        assert full == [0.5] * 12 + [0.05] * 4


def test_changed_schedule_starts_from_restored_rate(tmp_path, caplog):
    """Scenario of https://github.com/torch-points3d/torch-points3d/pull/630: after a
    resume the rate came from whichever of optimizer and schedule loaded last. A run
    resumed with another schedule starts that schedule from the checkpoint's rate."""
    data = two_block_graph()
    # Step decay over 6 epochs divides the rate by 10 every 2 epochs, so the
    # checkpoint after epoch 3 stores the rate 0.01.
    steps, _ = rates_per_epoch(
        data, lr_schedule="step", lr=0.1, epochs=6, out=str(tmp_path), checkpoint_every=3
    )
    assert steps == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001, 0.001])
    rest, _ = rates_per_epoch(
        data, lr_schedule="cosine", lr=0.1, epochs=6, out=str(tmp_path),
        resume=str(tmp_path / "checkpoint_000003.pt"),
    )
    # A fresh cosine schedule over 6 epochs, scaled to start from the restored rate
    # 0.01 in place of lr = 0.1.
    fresh = [0.1 * (1 + math.cos(math.pi * t / 6)) / 2 for t in range(3)]
    assert rest == pytest.approx([rate / 10 for rate in fresh])
    assert (
        "cosine schedule starts afresh at epoch 3 from the restored learning rate "
        "0.01, not from lr." in caplog.text
    )
