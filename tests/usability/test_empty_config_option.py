"""An empty ``graphkit train --config`` is rejected instead of training with defaults."""

import pytest
from graphkit.launch.cli import run


@pytest.mark.parametrize("value", ["", "  "])
def test_train_empty_config_rejected(capsys, value):
    assert run(["train", "--epochs", "1", "--config", value]) == 2
    output = capsys.readouterr()
    assert output.err.endswith(
        f"graphkit train: error: --config is empty ({value!r}). Pass a YAML file of "
        "options, or leave --config out\n"
    )
    assert "test accuracy" not in output.out
