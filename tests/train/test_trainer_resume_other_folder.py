"""Resuming another folder's checkpoint into an out folder that contains a run raises.

The continued run would cut that run's metrics.jsonl after the checkpoint's epoch
and overwrite its checkpoints and best_model.pt, leaving a mix of two runs.
"""

import pytest
from test_trainer import run, two_block_graph

from graphkit.launch.cli import run as cli_run


def folder_bytes(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_other_folder_checkpoint_rejected(tmp_path):
    data = two_block_graph()
    first, second = tmp_path / "first", tmp_path / "second"
    run(data, epochs=2, out=str(first), checkpoint_every=1)
    run(data, epochs=4, out=str(second), checkpoint_every=2)
    before = folder_bytes(second)
    checkpoint = first / "checkpoint_000001.pt"
    with pytest.raises(ValueError) as caught:
        run(data, epochs=4, out=str(second), resume=str(checkpoint))
    assert str(caught.value) == (
        f"out={str(second)!r} already contains metrics.jsonl from an earlier run, and "
        f"resume={str(checkpoint)!r} is a checkpoint of another folder, whose "
        "continued run would replace that run's records. Choose a new out folder, "
        f"or pass resume='auto' to continue the run in {second}"
    )
    assert folder_bytes(second) == before


def test_other_folder_checkpoint_into_new_folder(tmp_path):
    data = two_block_graph()
    first, second = tmp_path / "first", tmp_path / "second"
    run(data, epochs=2, out=str(first), checkpoint_every=1)
    run(data, epochs=3, out=str(second), resume=str(first / "checkpoint_000001.pt"))
    assert sorted(path.name for path in second.iterdir()) == [
        "best_model.pt",
        "checkpoint_000003.pt",
        "metrics.jsonl",
    ]


def test_own_checkpoint_resumes(tmp_path):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=2, out=str(out), checkpoint_every=1)
    # The same folder spelled another way still counts as the run's own.
    spelled = tmp_path / "run" / ".." / "run" / "checkpoint_000001.pt"
    _, summary = run(data, epochs=3, out=str(out), resume=str(spelled))
    assert summary["epochs_run"] == 3


def test_command_line_error_uses_flags(tmp_path, capsys):
    graph = ["--dataset-options", "{num_nodes: 60, avg_degree: 4, num_features: 4}"]
    first, second = tmp_path / "first", tmp_path / "second"
    common = ["train", *graph, "--hidden", "4", "--checkpoint-every", "1"]
    assert cli_run([*common, "--epochs", "1", "--out", str(first)]) == 0
    assert cli_run([*common, "--epochs", "2", "--out", str(second)]) == 0
    before = folder_bytes(second)
    capsys.readouterr()
    checkpoint = first / "checkpoint_000001.pt"
    code = cli_run([*common, "--epochs", "2", "--out", str(second),
                    "--resume", str(checkpoint)])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"graphkit train: error: --out {second} already contains metrics.jsonl from an "
        f"earlier run, and --resume {checkpoint} is a checkpoint of another folder"
    )
    assert folder_bytes(second) == before
