"""``graphkit train`` end to end: the embedded default and Cora's public split."""

import json
import re

import pytest
import torch

from graphkit.launch.cli import main


def _test_score(capsys) -> float:
    out = capsys.readouterr().out
    found = re.search(r"test (accuracy|roc_auc): ([0-9.]+)", out)
    assert found, f"no test score in output: {out!r}"
    return float(found.group(2))


def test_default_run_prints_test_accuracy(capsys):
    assert main(["train", "--epochs", "5"]) == 0
    out = capsys.readouterr().out
    found = re.search(
        r"test accuracy: ([0-9.]+) \(best validation [0-9.]+ at epoch (\d), "
        r"5 epochs run\)",
        out,
    )
    assert found, out
    # The default synthetic graph has 10 classes, so chance is 0.1. Five epochs reach
    # about 0.4, and a run that learns nothing stays near 0.1.
    assert float(found.group(1)) > 0.2
    assert 1 <= int(found.group(2)) <= 5


def test_yaml_config_and_override(tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text("model: gcn\nepochs: 50\nhidden: 8\n")
    out = tmp_path / "run"
    argv = ["train", "--config", str(config), "--epochs", "3", "--out", str(out)]
    assert main(argv) == 0
    assert "3 epochs run" in capsys.readouterr().out
    # The checkpoint stores the config of the run, so it shows that the file's model
    # and hidden took effect (the defaults are sage and 64) next to the override.
    saved = json.loads(torch.load(out / "checkpoint_000003.pt")["config"])
    assert saved["model"] == "gcn"
    assert saved["hidden"] == 8
    assert saved["epochs"] == 3


def test_one_epoch_is_singular(capsys):
    assert main(["train", "--epochs", "1"]) == 0
    assert "at epoch 1, 1 epoch run)" in capsys.readouterr().out


def test_unknown_model_is_an_error():
    with pytest.raises(ValueError, match="unknown model 'transformer'"):
        main(["train", "--model", "transformer", "--epochs", "1"])


@pytest.mark.realdata
@pytest.mark.parametrize("model, minimum", [("gcn", 0.80), ("sage", 0.78), ("gat", 0.78)])
def test_cora_public_split(model, minimum, shared_data, capsys):
    root = shared_data / "graphs" / "planetoid"
    assert main(["train", "--dataset", "cora", "--root", str(root), "--model", model]) == 0
    assert _test_score(capsys) >= minimum
