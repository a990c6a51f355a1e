"""``--config`` YAML errors name the file, the line and the likely fix."""

import pytest

from graphkit.train.config import TrainConfig


def config_file(tmp_path, text):
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return path


def test_typo_line_and_suggestion(tmp_path):
    path = config_file(tmp_path, "model: gcn\nepoch: 3\n")
    with pytest.raises(
        ValueError, match=r"run.yaml:2: unknown options \['epoch'\]"
    ) as caught:
        TrainConfig.from_yaml(path)
    assert "did you mean 'epochs'?" in str(caught.value)


def test_dashed_key_suggests_underscore(tmp_path):
    path = config_file(tmp_path, "epochs: 3\nlr-schedule: cosine\n")
    with pytest.raises(ValueError, match=r"run.yaml:2: .*did you mean 'lr_schedule'\?"):
        TrainConfig.from_yaml(path)


def test_wrong_type_line(tmp_path):
    path = config_file(tmp_path, "epochs: 3\n\nlr: fast\n")
    with pytest.raises(
        ValueError, match=r"run.yaml:3: option lr must be of type float"
    ):
        TrainConfig.from_yaml(path)


def test_folder_as_config(tmp_path):
    with pytest.raises(ValueError, match=f"config file {tmp_path} is a folder"):
        TrainConfig.from_yaml(tmp_path)
