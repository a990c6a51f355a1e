"""Trainer.load_best(path) reads the best weights that an earlier run wrote."""

import pytest
import torch
from test_trainer import run, two_block_graph

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer

OPTIONS = {"epochs": 25, "lr": 0.5, "log_every": 100, "patience": 0}


def _assert_same_weights(first: dict, second: dict) -> None:
    assert first.keys() == second.keys()
    for name in first:
        torch.testing.assert_close(first[name], second[name], rtol=0, atol=0, msg=name)


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("earlier")
    data = two_block_graph()
    trainer, summary = run(data, out=str(out), checkpoint_every=25, **OPTIONS)
    # A best epoch before the last one makes the last and best weights differ.
    assert 0 < summary["best_epoch"] < 25
    return data, trainer, out


def _fresh_trainer(data, **options) -> Trainer:
    config = TrainConfig(**{**OPTIONS, **options})
    return Trainer(config, data, LocalGraph.from_data(data))


@pytest.mark.parametrize(
    "name", ["best_model.pt", ".", "checkpoint_000025.pt"]
)
def test_load_best_from_file(earlier_run, name):
    data, trainer, out = earlier_run
    fresh = _fresh_trainer(data)
    fresh.load_best(out / name)
    _assert_same_weights(fresh.model.state_dict(), trainer.best_model_state)


def test_load_best_other_model(earlier_run):
    data, _, out = earlier_run
    fresh = _fresh_trainer(data, hidden=8)
    with pytest.raises(ValueError, match=r"contains a different model .*hidden=64.*hidden=8"):
        fresh.load_best(out / "best_model.pt")


def test_load_best_missing_file(earlier_run, tmp_path):
    data, _, _ = earlier_run
    fresh = _fresh_trainer(data)
    with pytest.raises(FileNotFoundError, match="best_model.pt does not exist"):
        fresh.load_best(tmp_path)


def _rewrite_graph(source, target, **changes):
    state = torch.load(source, weights_only=True)
    state["graph"] = {**state["graph"], **changes}
    torch.save(state, target)


def test_load_best_other_partition_count(earlier_run, tmp_path):
    # A distributed run of two partitions keeps the same weights on every rank.
    data, trainer, out = earlier_run
    two_parts = tmp_path / "best_model.pt"
    _rewrite_graph(out / "best_model.pt", two_parts, num_parts=2)
    fresh = _fresh_trainer(data)
    fresh.load_best(two_parts)
    _assert_same_weights(fresh.model.state_dict(), trainer.best_model_state)


def test_load_best_other_graph(earlier_run, tmp_path):
    data, _, out = earlier_run
    other = tmp_path / "best_model.pt"
    _rewrite_graph(out / "best_model.pt", other, num_nodes=999)
    fresh = _fresh_trainer(data)
    with pytest.raises(ValueError, match=r"was written for graph .*'num_nodes': 999"):
        fresh.load_best(other)
