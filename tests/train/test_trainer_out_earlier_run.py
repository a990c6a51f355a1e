"""A Trainer without resume rejects an out folder that contains an earlier run."""

import json

import pytest
from test_trainer import run, two_block_graph


def test_second_run_rejected(tmp_path):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=3, out=str(out))
    with pytest.raises(ValueError, match="already contains metrics.jsonl from an earlier run"):
        run(data, epochs=3, out=str(out))
    lines = (out / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2, 3]


def test_second_run_message_names_trainconfig(tmp_path):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=1, out=str(out))
    with pytest.raises(ValueError) as caught:
        run(data, epochs=1, out=str(out))
    message = str(caught.value)
    assert message.startswith(f"TrainConfig(out={str(out)!r}) already contains metrics.jsonl")
    assert 'Pass TrainConfig(resume="auto") to continue that run' in message
    assert "--out" not in message
    assert "--resume" not in message


def test_resume_auto_allowed(tmp_path):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=3, out=str(out))
    _, summary = run(data, epochs=5, out=str(out), resume="auto")
    assert summary["epochs_run"] == 5
