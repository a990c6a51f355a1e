"""The weights of the best validation epoch: kept, loadable and written to best_model.pt."""

import pytest
import torch
from test_trainer import run, two_block_graph

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from graphkit.train.checkpoint import check_no_earlier_run


def _assert_same_weights(first: dict, second: dict) -> None:
    assert first.keys() == second.keys()
    for name in first:
        torch.testing.assert_close(first[name], second[name], rtol=0, atol=0, msg=name)


def _best_run(tmp_path):
    # A high learning rate makes validation accuracy move, so the best epoch is not
    # the last one.
    data = two_block_graph()
    trainer, summary = run(data, lr=0.5, epochs=25, out=str(tmp_path / "full"))
    assert 0 < summary["best_epoch"] < 25
    return data, trainer, summary


def test_best_weights_equal_shorter_run(tmp_path):
    data, trainer, summary = _best_run(tmp_path)
    # Training stops by epoch count, so a run of best_epoch epochs ends on exactly
    # the weights the longer run had at its best epoch.
    shorter, _ = run(data, lr=0.5, epochs=summary["best_epoch"])
    _assert_same_weights(trainer.best_model_state, shorter.model.state_dict())


def test_load_best_restores_best_score(tmp_path):
    _, trainer, summary = _best_run(tmp_path)
    last = trainer.evaluate()
    trainer.load_best()
    best = trainer.evaluate()
    assert best["val"] == summary["val"]
    assert best["test"] == summary["test"]
    assert last["val"] != best["val"]


def test_best_model_file_contents(tmp_path):
    _, trainer, summary = _best_run(tmp_path)
    saved = torch.load(tmp_path / "full" / "best_model.pt", weights_only=True)
    assert saved["epoch"] == summary["best_epoch"]
    assert saved["val"] == summary["val"]
    assert saved["test"] == summary["test"]
    assert saved["metric"] == summary["metric"]
    _assert_same_weights(saved["model"], trainer.best_model_state)


def test_resume_keeps_best_weights(tmp_path):
    data, trainer, _ = _best_run(tmp_path)
    part = tmp_path / "part"
    run(data, lr=0.5, epochs=12, out=str(part), checkpoint_every=12)
    resumed, _ = run(
        data, lr=0.5, epochs=25, out=str(part), resume=str(part / "checkpoint_000012.pt")
    )
    _assert_same_weights(resumed.best_model_state, trainer.best_model_state)


def test_load_best_before_fit_raises():
    data = two_block_graph()
    trainer = Trainer(TrainConfig(epochs=2), data, LocalGraph.from_data(data))
    with pytest.raises(RuntimeError, match="no best weights to load"):
        trainer.load_best()


def test_new_run_keeps_earlier_best_model(tmp_path):
    (tmp_path / "best_model.pt").write_bytes(b"")
    with pytest.raises(ValueError, match="best_model.pt from an earlier run"):
        check_no_earlier_run(tmp_path)
