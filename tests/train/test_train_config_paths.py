"""TrainConfig accepts pathlib.Path values and stores them as strings.

Each checkpoint stores the config as JSON, so a Path used to fail at the first save,
after the training epochs had run.
"""

import json
from pathlib import Path

from graphkit.datasets import synthetic_csbm
from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer


def test_path_fields_become_strings(tmp_path):
    config = TrainConfig(
        dataset=tmp_path / "edges.csv",
        root=tmp_path,
        out=tmp_path / "run",
        partitions=tmp_path / "parts",
        resume=Path("auto"),
        dataset_options={"features": tmp_path / "x.csv", "seed": 1},
    )
    assert config.dataset == str(tmp_path / "edges.csv")
    assert config.root == str(tmp_path)
    assert config.out == str(tmp_path / "run")
    assert config.partitions == str(tmp_path / "parts")
    assert config.resume == "auto"
    assert config.dataset_options == {"features": str(tmp_path / "x.csv"), "seed": 1}
    assert json.loads(json.dumps(config.to_dict()))["out"] == str(tmp_path / "run")


def test_trainer_saves_with_path_out(tmp_path):
    data = synthetic_csbm(num_nodes=60, avg_degree=4, num_features=4, seed=1)
    config = TrainConfig(epochs=2, hidden=4, out=tmp_path / "run")
    Trainer(config, data, LocalGraph.from_data(data)).fit()
    names = sorted(path.name for path in (tmp_path / "run").iterdir())
    assert names == ["best_model.pt", "checkpoint_000002.pt", "metrics.jsonl"]
