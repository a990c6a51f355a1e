"""A resume path that names a folder, such as out itself, is reported as a folder."""

import pytest
from test_trainer import run, two_block_graph
from test_trainer_resume_other_folder import folder_bytes

from graphkit.launch.cli import run as cli_run


def test_out_folder_as_resume_named(tmp_path):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=2, out=str(out), checkpoint_every=1)
    before = folder_bytes(out)
    with pytest.raises(ValueError) as caught:
        run(data, epochs=4, out=str(out), resume=str(out))
    # Without the folder check, the message named it a checkpoint of another folder.
    assert str(caught.value) == (
        f"checkpoint {out} is a folder. Pass a checkpoint_*.pt file in it, or "
        f"resume='auto' with out={str(out)!r}"
    )
    assert folder_bytes(out) == before


def test_command_line_out_folder_as_resume(tmp_path, capsys):
    graph = ["--dataset-options", "{num_nodes: 60, avg_degree: 4, num_features: 4}"]
    out = tmp_path / "run"
    common = ["train", *graph, "--hidden", "4", "--out", str(out)]
    assert cli_run([*common, "--epochs", "1"]) == 0
    capsys.readouterr()
    code = cli_run([*common, "--epochs", "2", "--resume", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"graphkit train: error: checkpoint {out} is a folder. Pass a "
        f"checkpoint_*.pt file in it, or --resume auto with --out {out}"
    )
