"""The console script turns invalid input into one error line and exit code 2."""

import subprocess
import sys

import pytest
from graphkit.launch.cli import run

from graphkit.train.config import TrainConfig


def test_unknown_model_one_line(capsys):
    assert run(["train", "--model", "transformer", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "graphkit train: error: unknown model 'transformer'" in err
    assert "Traceback" not in err


def test_missing_config_file(tmp_path, capsys):
    missing = tmp_path / "absent.yaml"
    assert run(["train", "--config", str(missing)]) == 2
    assert f"config file {missing} does not exist" in capsys.readouterr().err


def test_missing_partition_folder(tmp_path, capsys):
    folder = tmp_path / "parts"
    assert run(["train", "--dataset", "cora", "--partitions", str(folder)]) == 2
    assert f"{folder}/meta.json not found" in capsys.readouterr().err


def test_traceback_variable_reraises(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_TRACEBACK", "1")
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        run(["train", "--epochs", "0"])


def test_module_entry_exit_code(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "graphkit.launch", "train", "--epochs", "-3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "graphkit train: error: --epochs must be at least 1, got -3" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        ("epochs: [1\n", "run.yaml:2: invalid YAML"),
        ("epochs: two\n", "option epochs must be of type int, got 'two'"),
        ("residual: 1\n", "option residual must be of type bool, got 1"),
        ("epochs: null\n", "option epochs must be of type int, got None"),
    ],
)
def test_yaml_invalid_values(tmp_path, text, message):
    path = tmp_path / "run.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        TrainConfig.from_yaml(path)


def test_yaml_valid_types_accepted(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("lr: 1\nsplit: null\nroot: data\ndataset_options: {num_nodes: 50}\n")
    config = TrainConfig.from_yaml(path)
    assert config.lr == 1.0
    assert config.split is None
    assert config.root == "data"
    assert config.dataset_options == {"num_nodes": 50}
