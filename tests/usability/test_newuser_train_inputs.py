"""``load_dataset`` rejects invalid input with a clear error.

``graphkit train`` prints that error on one line and exits with code 2.
"""

import pytest
from graphkit.datasets import load_dataset
from graphkit.launch.cli import run

from graphkit.option_names import command_line_options

TINY = '{"num_nodes": 60}'


def test_unknown_dataset_option_names_it():
    with pytest.raises(ValueError, match=r"dataset 'synthetic' has no option 'nodes'"):
        load_dataset("synthetic", nodes=60)


def test_unknown_dataset_option_lists_valid():
    with pytest.raises(ValueError, match=r"Valid options: .*'num_nodes'"):
        load_dataset("synthetic", nodes=60)


def test_unknown_dataset_option_suggests_close():
    with pytest.raises(ValueError) as raised:
        load_dataset("synthetic", num_node=60, sed=1)
    message = str(raised.value)
    assert "has no option 'num_node' (did you mean 'num_nodes'?), 'sed'" in message
    assert "'sed' (did you mean 'seed'?)" in message


def test_unknown_dataset_option_cli(capsys):
    code = run(["train", "--dataset-options", '{"nodes": 60}', "--epochs", "1"])
    assert code == 2
    err = capsys.readouterr().err
    assert "graphkit train: error: dataset 'synthetic' has no option 'nodes'" in err
    assert "Traceback" not in err


def test_out_file_rejected_before_loading(tmp_path, capsys, monkeypatch):
    target = tmp_path / "metrics"
    target.write_text("keep\n")
    loaded = []
    monkeypatch.setattr(
        "graphkit.launch.cmd_train.load_local", lambda *a, **k: loaded.append(1)
    )
    assert run(["train", "--dataset-options", TINY, "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"--out {target} is a file" in err
    assert loaded == []
    assert target.read_text() == "keep\n"


def test_out_below_file_rejected(tmp_path, capsys):
    target = tmp_path / "metrics"
    target.write_text("keep\n")
    out = target / "run"
    assert run(["train", "--dataset-options", TINY, "--out", str(out)]) == 2
    assert f"--out {out}: {target} is a file" in capsys.readouterr().err


def test_missing_ogb_names_real_option(tmp_path):
    # Messages name command-line flags here, as when graphkit train loads the dataset.
    with pytest.raises(FileNotFoundError) as caught, command_line_options():
        load_dataset("ogbn-arxiv", root=tmp_path)
    assert "(--download)" not in str(caught.value)
    assert "--dataset-options '{download: true}'" in str(caught.value)


def test_unknown_option_names_subcommand(capsys):
    with pytest.raises(SystemExit) as caught:
        run(["isvd", "nodeclass", "--dataset", "cora", "--rank", "0"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "graphkit isvd nodeclass: error: unrecognized arguments: --rank 0" in err
    assert "See graphkit isvd nodeclass --help" in err


def test_failed_start_removes_new_out(tmp_path, capsys):
    bad = tmp_path / "not_a_checkpoint.pt"
    bad.write_text("text\n")
    out = tmp_path / "run"
    code = run(["train", "--dataset-options", TINY, "--epochs", "1",
                "--out", str(out), "--resume", str(bad)])
    assert code == 2
    assert "unreadable or corrupted" in capsys.readouterr().err
    assert not out.exists()


def test_failed_start_keeps_existing_out(tmp_path):
    bad = tmp_path / "not_a_checkpoint.pt"
    bad.write_text("text\n")
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("keep\n")
    code = run(["train", "--dataset-options", TINY, "--epochs", "1",
                "--out", str(out), "--resume", str(bad)])
    assert code == 2
    assert out.is_dir()
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "keep\n"
