"""Model names ignore case, and an unknown one stops the run before any data loads."""

import pytest
from graphkit.launch.cli import run
from graphkit.nn import GNN
from graphkit.train import TrainConfig


@pytest.mark.parametrize(
    "name, key", [("GCN", "gcn"), ("Sage", "sage"), ("SAGE_max", "sage-max")]
)
def test_config_model_ignores_case(name, key):
    assert TrainConfig(model=name).model == key


def test_gnn_model_ignores_case():
    model = GNN("GCN", 3, 4, 2)
    assert type(model.layers[0]).__name__ == "GCNConv"


def test_config_model_typo_hint():
    with pytest.raises(ValueError, match=r"unknown model 'gcm' \(did you mean 'gcn'\?\)"):
        TrainConfig(model="gcm")


def test_cli_model_typo_before_load(capsys, monkeypatch):
    loaded = []
    monkeypatch.setattr(
        "graphkit.launch.cmd_train.load_local", lambda *a, **k: loaded.append(1)
    )
    assert run(["train", "--model", "gcm", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "graphkit train: error: unknown model 'gcm' (did you mean 'gcn'?)" in err
    assert loaded == []
