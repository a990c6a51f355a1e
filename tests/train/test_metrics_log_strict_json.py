"""metrics.jsonl is strict JSON: a NaN score of an empty split is written as null."""

import json

import torch
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.train import TrainConfig, Trainer
from graphkit.train.trainer import strict_json


def _reject_constant(token):
    raise ValueError(f"non-standard JSON token {token}")


def test_empty_val_split_logged_as_null(tmp_path):
    n = 6
    masks = [torch.zeros(n, dtype=torch.bool) for _ in range(3)]
    masks[0][[0, 1, 2]] = True
    masks[2][[3, 4, 5]] = True
    data = Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
        y=torch.tensor([0, 1, 2, 0, 1, 2]),
        edge_index=torch.tensor([[0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0]]),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
    )
    config = TrainConfig(epochs=2, hidden=4, log_every=100, out=str(tmp_path))
    Trainer(config, data, LocalGraph.from_data(data)).fit()
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 2
    records = [json.loads(line, parse_constant=_reject_constant) for line in lines]
    assert all(record["val_accuracy"] is None for record in records)
    assert all(isinstance(record["test_accuracy"], float) for record in records)


def test_strict_json_nested_values():
    value = {"a": float("nan"), "b": [1.0, float("inf"), {"c": -float("inf")}], "d": 2}
    assert strict_json(value) == {"a": None, "b": [1.0, None, {"c": None}], "d": 2}
