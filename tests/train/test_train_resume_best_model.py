"""--resume with best_model.pt, which has weights only, names the file to pass."""

import pytest
from test_trainer import run, two_block_graph

from graphkit.launch.cli import run as cli_run


def test_resume_best_model_rejected(tmp_path):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=3, out=str(out))
    with pytest.raises(ValueError) as caught:
        run(data, epochs=5, out=str(out), resume=str(out / "best_model.pt"))
    message = str(caught.value)
    assert "best_model.pt contains model weights only" in message
    assert "Pass a checkpoint_*.pt file or resume='auto'" in message


def test_resume_best_model_cli_one_line(tmp_path, capsys):
    out = tmp_path / "run"
    options = ["train", "--dataset-options", "{num_nodes: 200}", "--out", str(out)]
    assert cli_run([*options, "--epochs", "2"]) == 0
    resume = ["--epochs", "4", "--resume", str(out / "best_model.pt")]
    assert cli_run([*options, *resume]) == 2
    err = capsys.readouterr().err
    assert "graphkit train: error:" in err
    assert "contains model weights only" in err
    assert "Traceback" not in err
