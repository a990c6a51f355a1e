"""Ctrl-C and SIGTERM during ``graphkit kg``: one line, exit 130/143, whole files only."""

import json
import os
import re
import signal
import textwrap

import pytest
import torch
from graphkit.launch.cli import run
from graphkit.launch.kg_training import _kept_checkpoint
from script_child import ScriptChild, last_line_without_traceback

import graphkit.kg
from graphkit.kg import train as kg_train

FACTS = "a\tr\tb\nb\tr\tc\nc\ts\ta\na\ts\tc\n"

# Slows each step to 50 ms, so that the signal arrives after a few checkpoints.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import graphkit.kg.train as kg_train
    from graphkit.launch.cli import run

    step = kg_train.train_step

    def slow_step(*args, **kwargs):
        time.sleep(0.05)
        return step(*args, **kwargs)

    kg_train.train_step = slow_step
    sys.exit(run(sys.argv[1:]))
    """
)


def _pretrain_argv(graph, out, *extra, steps=5):
    return [
        "kg", "pretrain", "--graph", str(graph), "--out", str(out), "--steps", str(steps),
        "--batch-size", "2", "--negatives", "2", "--threads", "1", *extra,
    ]  # fmt: skip


@pytest.fixture
def graph(tmp_path):
    path = tmp_path / "triples.tsv"
    path.write_text(FACTS)
    return path


def _interrupt_at_step(monkeypatch, interrupted_step):
    step = kg_train.train_step
    calls = []

    def counting_step(*args, **kwargs):
        calls.append(1)
        if len(calls) == interrupted_step:
            raise KeyboardInterrupt
        return step(*args, **kwargs)

    monkeypatch.setattr(kg_train, "train_step", counting_step)


def _last_line(capfd):
    return last_line_without_traceback(capfd.readouterr().err)


def test_pretrain_interrupt_names_checkpoint(graph, tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"
    _interrupt_at_step(monkeypatch, 3)
    assert run(_pretrain_argv(graph, out, "--checkpoint-every", "1")) == 130
    newest = out / "step_2.pth"
    assert _last_line(capfd) == (
        f"graphkit kg pretrain: interrupted; the newest checkpoint is {newest}, resume "
        f"with --resume {newest}"
    )
    assert sorted(p.name for p in out.iterdir()) == ["step_1.pth", "step_2.pth"]
    monkeypatch.undo()
    resumed = _pretrain_argv(graph, out, "--resume", str(newest), steps=3)
    assert run(resumed) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "last.pth",
        "step_1.pth",
        "step_2.pth",
    ]


def test_pretrain_interrupt_while_saving(graph, tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"
    save = torch.save
    calls = []

    def save_then_interrupt(payload, path):
        calls.append(path)
        if len(calls) == 2:  # step_2.pth: write part of the file, then stop
            with open(path, "wb") as file:
                file.write(b"PK\x03\x04partial")
            raise KeyboardInterrupt
        save(payload, path)

    monkeypatch.setattr(kg_train.torch, "save", save_then_interrupt)
    assert run(_pretrain_argv(graph, out, "--checkpoint-every", "1")) == 130
    assert _last_line(capfd) == (
        "graphkit kg pretrain: interrupted; the newest checkpoint is "
        f"{out / 'step_1.pth'}, resume with --resume {out / 'step_1.pth'}"
    )
    assert [p.name for p in out.iterdir()] == ["step_1.pth"]
    assert torch.load(out / "step_1.pth", weights_only=True)["step"] == 1


def test_pretrain_interrupt_without_checkpoint(graph, tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"
    _interrupt_at_step(monkeypatch, 2)
    assert run(_pretrain_argv(graph, out)) == 130
    assert _last_line(capfd) == (
        f"graphkit kg pretrain: interrupted; nothing was written to --out {out}"
    )
    assert not out.exists()


def test_pretrain_interrupt_keeps_other_files(graph, tmp_path, monkeypatch, capfd):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("kept")
    _interrupt_at_step(monkeypatch, 2)
    assert run(_pretrain_argv(graph, out)) == 130
    assert _last_line(capfd) == (
        f"graphkit kg pretrain: interrupted; --out {out} contains no checkpoint "
        "(--checkpoint-every N writes one every N steps)"
    )
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "kept"


def test_pretrain_sigterm_subprocess(graph, tmp_path):
    out = tmp_path / "run"
    argv = _pretrain_argv(graph, out, "--checkpoint-every", "1", steps=2000)
    with ScriptChild(SCRIPT, argv, tmp_path / "stderr.txt") as child:
        child.wait_until((out / "step_3.pth").exists, "step_3.pth")
        returncode = child.stop(signal.SIGTERM)

    assert returncode == 143
    last = last_line_without_traceback(child.stderr())
    match = re.fullmatch(
        rf"graphkit kg pretrain: interrupted by SIGTERM; the newest checkpoint is "
        rf"{re.escape(str(out))}/step_(\d+)\.pth, resume with --resume \S+",
        last,
    )
    assert match, last
    newest = int(match.group(1))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"step_{step}.pth" for step in range(1, newest + 1))
    payload = torch.load(out / f"step_{newest}.pth", weights_only=True)
    assert payload["step"] == newest


def _dataset(tmp_path):
    root = tmp_path / "kg"
    (root / "toy").mkdir(parents=True)
    for name in ("train", "valid", "test"):
        (root / "toy" / f"{name}.txt").write_text(FACTS)
    return root


def test_evaluate_interrupt_keeps_json(graph, tmp_path, monkeypatch, capfd):
    checkpoint_folder = tmp_path / "run"
    assert run(_pretrain_argv(graph, checkpoint_folder, steps=1)) == 0
    report = tmp_path / "metrics.json"
    report.write_text('{"mrr": 0.5}\n')

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(graphkit.kg, "evaluate", interrupt)
    argv = ["kg", "evaluate", "--checkpoint", str(checkpoint_folder / "last.pth")]
    argv += ["--dataset", "toy", "--root", str(_dataset(tmp_path))]
    capfd.readouterr()
    assert run([*argv, "--json", str(report), "--threads", "1"]) == 130
    assert (
        _last_line(capfd)
        == f"graphkit kg evaluate: interrupted; --json {report} was not written"
    )
    assert json.loads(report.read_text()) == {"mrr": 0.5}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kg", "metrics.json", "run", "triples.tsv",
    ]  # fmt: skip


def test_predict_interrupt_one_line(graph, monkeypatch, capfd):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(graphkit.kg, "load_graph", interrupt)
    argv = ["kg", "predict", "--checkpoint", "unused.pth", "--graph", str(graph)]
    assert run([*argv, "--head", "a", "--relation", "r"]) == 130
    assert _last_line(capfd) == "graphkit kg predict: interrupted"


def _write_checkpoints(folder, write_times):
    """Create empty checkpoint files with the given modification times in seconds."""
    for name, seconds in write_times.items():
        (folder / name).write_bytes(b"")
        os.utime(folder / name, (seconds, seconds))


def _resume_hint(newest):
    return f"the newest checkpoint is {newest}, resume with --resume {newest}"


def test_newest_checkpoint_by_write_time(tmp_path):
    # A resumed run wrote step_4.pth after an earlier run's last.pth.
    _write_checkpoints(tmp_path, {"last.pth": 100, "step_2.pth": 200, "step_4.pth": 300})
    assert _kept_checkpoint(tmp_path) == _resume_hint(tmp_path / "step_4.pth")


def test_equal_write_times_name_higher_step(tmp_path):
    _write_checkpoints(tmp_path, {"step_2.pth": 100, "step_10.pth": 100})
    assert _kept_checkpoint(tmp_path) == _resume_hint(tmp_path / "step_10.pth")
