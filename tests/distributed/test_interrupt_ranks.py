"""Ctrl-C or SIGTERM to both ranks of a graphkit train run: one line each, no traceback.

Both ranks run ``cli.run(["train", ...])`` on the harness's gloo group, as under
torchrun, and the test signals both once rank 0 has written a few checkpoints.
"""

import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
from graphkit.train.checkpoint import latest_checkpoint, load_checkpoint
from harness import start_world

pytestmark = pytest.mark.distributed


def train_until_signal(rank: int, world_size: int, out: str, folder: str):
    """Run graphkit train for many epochs and return its exit code and stderr."""
    import contextlib
    import io

    from graphkit.launch.cli import run

    Path(folder, f"pid{rank}").write_text(str(os.getpid()))
    stderr = io.StringIO()
    argv = [
        "train", "--epochs", "100000", "--checkpoint-every", "1", "--out", out,
        "--dataset-options", "{num_nodes: 400}", "--timeout-s", "60",
    ]  # fmt: skip
    with contextlib.redirect_stderr(stderr):
        code = run(argv)
    return code, stderr.getvalue()


def signal_both_ranks(tmp_path: Path, signum: int) -> tuple[dict, Path]:
    """Start two ranks, send ``signum`` to both after 3 checkpoints, and return results."""
    out, folder = tmp_path / "run", tmp_path / "pids"
    folder.mkdir()
    outcome = {}
    world = threading.Thread(
        target=lambda: outcome.update(
            start_world(train_until_signal, 2, str(out), str(folder), join_s=120)
        )
    )
    world.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        checkpoint = latest_checkpoint(out) if out.is_dir() else None
        if checkpoint is not None and checkpoint.name >= "checkpoint_000003.pt":
            break
        time.sleep(0.1)
    pids = [int((folder / f"pid{rank}").read_text()) for rank in range(2)]
    for pid in pids:
        os.kill(pid, signum)
    world.join(timeout=180)
    assert not world.is_alive(), "the ranks did not end after the signal"
    return outcome, out


def graphkit_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("graphkit train:")]


def check_out_folder(out: Path, line: str) -> None:
    """Check that metrics.jsonl and the checkpoint named in ``line`` are complete."""
    saved = int(re.search(r"the checkpoint of epoch (\d+) is in", line).group(1))
    epochs = [json.loads(text)["epoch"] for text in (out / "metrics.jsonl").open()]
    assert epochs == list(range(1, len(epochs) + 1))
    assert len(epochs) >= saved
    newest = latest_checkpoint(out)
    assert newest.name == f"checkpoint_{saved:06d}.pt"
    assert load_checkpoint(newest)["epoch"] == saved
    assert list(out.glob("*.tmp")) == []
    assert not (out / "best_model.pt").exists()


@pytest.mark.parametrize(
    "signum, code, event",
    [
        (signal.SIGINT, 130, "interrupted"),
        (signal.SIGTERM, 143, "interrupted by SIGTERM"),
    ],
    ids=["sigint", "sigterm"],
)
def test_signal_to_both_ranks(tmp_path, signum, code, event):
    outcome, out = signal_both_ranks(tmp_path, signum)
    assert sorted(outcome) == [0, 1]
    (status0, (code0, stderr0)), (status1, (code1, stderr1)) = outcome[0], outcome[1]
    assert status0 == "ok"
    assert status1 == "ok"
    assert code0 == code
    assert code1 == code
    assert "Traceback" not in stderr0
    assert "Traceback" not in stderr1
    lines0, lines1 = graphkit_lines(stderr0), graphkit_lines(stderr1)
    assert len(lines0) == 1
    assert re.fullmatch(
        rf"graphkit train: {event} at epoch \d+; the checkpoint of epoch \d+ is in "
        rf"{re.escape(str(out))}, resume with --resume auto",
        lines0[0],
    ), lines0[0]
    assert lines1 == [f"graphkit train: rank 1 of 2 {event}"]
    check_out_folder(out, lines0[0])
