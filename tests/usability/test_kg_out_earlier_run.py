"""``graphkit kg pretrain`` without --resume keeps the checkpoints of an earlier run."""

import pytest

from graphkit.launch.cli import main

FACTS = "a\tr\tb\nb\tr\tc\nc\ts\ta\n"


def _argv(graph, out, *extra):
    return [
        "kg", "pretrain", "--graph", str(graph), "--out", str(out), "--steps", "1",
        "--batch-size", "2", "--negatives", "2", "--threads", "1", *extra,
    ]


def test_new_run_rejects_earlier_checkpoints(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text(FACTS)
    out = tmp_path / "run"
    out.mkdir()
    (out / "step_2.pth").write_bytes(b"earlier step 2")
    (out / "step_10.pth").write_bytes(b"earlier step 10")
    with pytest.raises(SystemExit) as caught:
        main(_argv(graph, out))
    message = str(caught.value.code)
    assert "already contains checkpoints of an earlier run" in message
    assert f"--resume {out / 'step_10.pth'}" in message
    assert (out / "step_2.pth").read_bytes() == b"earlier step 2"
    assert not (out / "last.pth").exists()


def test_run_then_new_run_rejected(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text(FACTS)
    out = tmp_path / "run"
    assert main(_argv(graph, out)) == 0
    written = (out / "last.pth").read_bytes()
    with pytest.raises(SystemExit, match=f"--resume {out / 'last.pth'}"):
        main(_argv(graph, out, "--seed", "1"))
    assert (out / "last.pth").read_bytes() == written


def test_resume_into_same_folder_allowed(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text(FACTS)
    out = tmp_path / "run"
    assert main(_argv(graph, out, "--checkpoint-every", "1")) == 0
    resumed = _argv(graph, out, "--resume", str(out / "step_1.pth"))
    resumed[resumed.index("--steps") + 1] = "2"
    assert main(resumed) == 0
    assert (out / "step_1.pth").exists()


def test_other_files_in_out_allowed(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text(FACTS)
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("kept")
    assert main(_argv(graph, out)) == 0
    assert (out / "notes.txt").read_text() == "kept"


def test_summary_counts_one_step(tmp_path, capsys):
    graph = tmp_path / "triples.tsv"
    graph.write_text(FACTS)
    assert main(_argv(graph, tmp_path / "run")) == 0
    assert f"pretrain: 1 step, checkpoint {tmp_path / 'run' / 'last.pth'}" in capsys.readouterr().out
