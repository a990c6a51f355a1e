"""``graphkit train --compression`` in one process warns that nothing is compressed."""

import json

import pytest

from graphkit.distributed.device import MPI_SIZE_VARIABLES
from graphkit.launch.cli import main

SMALL = ["--dataset-options", "{num_nodes: 60}", "--epochs", "1"]


@pytest.fixture(autouse=True)
def one_process(monkeypatch):
    for name in ("WORLD_SIZE", "RANK", *MPI_SIZE_VARIABLES):
        monkeypatch.delenv(name, raising=False)


def test_one_process_warns(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", *SMALL, "--compression", "quantize", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "--compression quantize is ignored" in err
    assert "Start several processes (torchrun --nproc_per_node=N" in err
    # One process sends no halo rows even with --partitions, so the hint does not
    # suggest --partitions.
    assert "--partitions" not in err
    # Nothing was compressed, so the record has no compression fields.
    record = json.loads((out / "metrics.jsonl").read_text().splitlines()[0])
    assert "compression_ratio" not in record


def test_one_partition_folder_warns(tmp_path, capsys):
    # A folder of one partition trains in one process, which has no peers either.
    parts = tmp_path / "parts"
    partition = ["partition", "--parts", "1", "--out", str(parts)]
    assert main([*partition, "--dataset-options", "{num_nodes: 60}"]) == 0
    capsys.readouterr()
    train = ["train", "--partitions", str(parts), "--epochs", "1"]
    assert main([*train, "--compression", "quantize"]) == 0
    err = capsys.readouterr().err
    assert "--compression quantize is ignored" in err


def test_one_process_without_compression_quiet(capsys):
    assert main(["train", *SMALL]) == 0
    assert "--compression" not in capsys.readouterr().err


def test_one_process_names_every_option(tmp_path, capsys):
    compression = ["--compression", "quantize", "--compression-eval", "exact"]
    train = ["train", *SMALL, *compression, "--compression-bits", "4"]
    assert main([*train, "--out", str(tmp_path / "run")]) == 0
    err = capsys.readouterr().err
    expected = (
        "--compression quantize, --compression-bits 4, --compression-eval exact "
        "are ignored: a run in one process sends no halo rows"
    )
    assert expected in err


def test_one_process_options_without_compression(tmp_path, capsys):
    train = ["train", *SMALL, "--compression-eval", "exact"]
    assert main([*train, "--out", str(tmp_path / "run")]) == 0
    err = capsys.readouterr().err
    assert "--compression-eval exact is ignored: a run in one process" in err
