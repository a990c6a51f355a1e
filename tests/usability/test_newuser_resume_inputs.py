"""``--resume`` with a file that graphkit train did not write gives one clear line."""

import json

import pytest
import torch
from graphkit.launch.cli import run

from graphkit.train.checkpoint import CheckpointReadError, load_checkpoint


def test_text_file_not_torch_save(tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text(json.dumps({"epoch": 1}) + "\n")
    with pytest.raises(CheckpointReadError, match="not a file written by torch.save"):
        load_checkpoint(path, expected_graph={"num_nodes": 4})


def test_text_file_advice_names_options(tmp_path):
    path = tmp_path / "notes.pt"
    path.write_text("hello\n")
    with pytest.raises(CheckpointReadError) as caught:
        load_checkpoint(path)
    assert "Delete it" not in str(caught.value)
    assert "Pass another checkpoint file" in str(caught.value)


def test_foreign_dict_without_graph(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save({"weight": torch.zeros(2)}, path)
    with pytest.raises(CheckpointReadError, match="no 'graph' record") as caught:
        load_checkpoint(path, expected_graph={"num_nodes": 4})
    assert "graph None" not in str(caught.value)


def test_folder_named_as_resume(tmp_path):
    with pytest.raises(ValueError, match=f"checkpoint {tmp_path} is a folder"):
        load_checkpoint(tmp_path)


def test_foreign_file_cli_one_line(tmp_path, capsys):
    path = tmp_path / "weights.pt"
    torch.save([1, 2, 3], path)
    options = '{"num_nodes": 60}'
    code = run(["train", "--dataset-options", options, "--resume", str(path)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"graphkit train: error: checkpoint {path} is unreadable")
    assert "Traceback" not in "\n".join(err)


def test_truncated_checkpoint_called_damaged(tmp_path):
    path = tmp_path / "checkpoint_000001.pt"
    torch.save({"graph": {"num_nodes": 4}, "weight": torch.zeros(1000)}, path)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(CheckpointReadError) as caught:
        load_checkpoint(path)
    assert "torch.save" not in caught.value.reason


def test_list_checkpoint_names_type(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save([1, 2, 3], path)
    with pytest.raises(CheckpointReadError, match="it contains a list, not a dict"):
        load_checkpoint(path)
