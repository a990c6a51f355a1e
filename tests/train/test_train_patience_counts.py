"""Early stopping and best-epoch choice on scripted validation scores.

Each test replaces the validation score of every epoch with a fixed sequence, so the
epoch at which training stops and the epoch kept as the best are known exactly.
"""

import math

from test_trainer import two_block_graph

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def fit_with_val_scores(val_scores, **options):
    """Fit on the two-block graph with validation scores ``val_scores``, one per epoch."""
    data = two_block_graph()
    config = TrainConfig(**{"epochs": len(val_scores), "log_every": 100, **options})
    trainer = Trainer(config, data, LocalGraph.from_data(data))
    scores = iter(val_scores)
    evaluate = trainer.evaluate

    def scripted_evaluate():
        result = evaluate()
        result["val"] = next(scores)
        return result

    trainer.evaluate = scripted_evaluate
    return trainer.fit()


def test_stops_after_patience_epochs_without_gain():
    """Scenario of https://github.com/keras-team/keras/pull/8100: with patience 2 and
    the best score at epoch 2, epochs 3 and 4 bring no gain, so training stops after
    epoch 4 rather than one epoch earlier or later."""
    summary = fit_with_val_scores([0.1, 0.5, 0.4, 0.4, 0.9, 0.9], patience=2)
    assert summary["best_epoch"] == 2
    assert summary["val"] == 0.5
    assert summary["epochs_run"] == 4


def test_patience_one_runs_past_first_epoch():
    """Scenario of https://github.com/mlverse/luz/issues/63: patience 1 must not stop
    training before the second epoch has had a chance to improve."""
    summary = fit_with_val_scores([0.5, 0.5, 0.5, 0.5], patience=1)
    assert summary["epochs_run"] == 2


def test_equal_score_keeps_earlier_best():
    # Only a strictly higher score replaces the best epoch, so a plateau keeps the
    # first epoch that reached it and does not reset the patience count.
    summary = fit_with_val_scores([0.3, 0.7, 0.7, 0.7, 0.7, 0.7], patience=2)
    assert summary["best_epoch"] == 2
    assert summary["epochs_run"] == 4


def test_nan_score_never_becomes_best():
    """Scenario of https://github.com/Lightning-AI/pytorch-lightning/issues/2636: a NaN
    validation score at one epoch must neither be kept as the best nor block later
    finite scores from replacing the best."""
    nan = float("nan")
    summary = fit_with_val_scores([0.1, nan, 0.05, 0.2, nan], patience=0)
    assert summary["best_epoch"] == 4
    assert summary["val"] == 0.2
    assert not math.isnan(summary["test"])
    assert summary["epochs_run"] == 5
