"""TrainConfig stores numpy and torch scalars as Python numbers.

Each checkpoint stores the config as JSON, so an np.int64 from a sweep over
np.arange used to fail at the first save, after the training epochs had run.
"""

import json

import numpy as np
import torch

from graphkit.datasets import synthetic_csbm
from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def test_scalars_become_python_numbers():
    config = TrainConfig(
        hidden=np.int64(8),
        epochs=torch.tensor(3),
        lr=np.float32(0.5),
        dropout=torch.tensor(0.25),
        dataset_options={"num_nodes": np.int64(60), "homophily": np.float64(0.5)},
    )
    assert type(config.hidden) is int
    assert config.hidden == 8
    assert type(config.epochs) is int
    assert config.epochs == 3
    assert type(config.lr) is float
    assert config.lr == 0.5
    assert type(config.dropout) is float
    assert config.dropout == 0.25
    assert config.dataset_options == {"num_nodes": 60, "homophily": 0.5}
    assert type(config.dataset_options["num_nodes"]) is int
    assert json.loads(json.dumps(config.to_dict()))["hidden"] == 8


def test_trainer_saves_with_numpy_hidden(tmp_path):
    data = synthetic_csbm(num_nodes=60, avg_degree=4, num_features=4, seed=1)
    config = TrainConfig(epochs=2, hidden=np.arange(4, 9, 4)[0], out=str(tmp_path))
    Trainer(config, data, LocalGraph.from_data(data)).fit()
    assert (tmp_path / "checkpoint_000002.pt").is_file()
    assert (tmp_path / "best_model.pt").is_file()


def test_bool_scalars_become_python_bools():
    for value in (np.bool_(True), torch.tensor(True)):
        config = TrainConfig(residual=value)
        assert type(config.residual) is bool
        assert config.residual is True
        assert json.loads(json.dumps(config.to_dict()))["residual"] is True
