"""``metrics.jsonl`` contains one record per epoch after a rerun, a resume or a crash."""

import json

from graphkit.launch.cli import run

from graphkit.train.checkpoint import drop_metrics_after

TINY = ["--dataset-options", "{num_nodes: 60}", "--log-every", "100"]


def epochs_in(path):
    return [json.loads(line)["epoch"] for line in path.read_text().splitlines()]


def test_second_fresh_run_rejected(tmp_path, capsys):
    out = tmp_path / "run"
    assert run(["train", *TINY, "--epochs", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    assert run(["train", *TINY, "--epochs", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"--out {out} already contains metrics.jsonl" in err
    assert epochs_in(out / "metrics.jsonl") == [1, 2]


def test_resume_rewrites_later_epochs(tmp_path):
    out = tmp_path / "run"
    args = ["train", *TINY, "--out", str(out), "--checkpoint-every", "2"]
    assert run([*args, "--epochs", "3"]) == 0
    checkpoint = out / "checkpoint_000002.pt"
    assert run([*args, "--epochs", "4", "--resume", str(checkpoint)]) == 0
    assert epochs_in(out / "metrics.jsonl") == [1, 2, 3, 4]


def test_drop_removes_partial_line(tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text('{"epoch": 1}\n{"epoch": 2}\n{"epoch": 3}\n{"epo')
    drop_metrics_after(path, 2)
    assert path.read_text() == '{"epoch": 1}\n{"epoch": 2}\n'


def test_drop_to_zero_empties(tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text('{"epoch": 1}\n')
    drop_metrics_after(path, 0)
    assert path.read_text() == ""


def test_drop_ends_last_record_with_newline(tmp_path):
    # A kept last line without its newline would merge with the next epoch's record.
    path = tmp_path / "metrics.jsonl"
    path.write_text('{"epoch": 1}\n{"epoch": 2}')
    drop_metrics_after(path, 2)
    assert path.read_text() == '{"epoch": 1}\n{"epoch": 2}\n'
