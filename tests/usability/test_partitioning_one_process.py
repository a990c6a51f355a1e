"""``graphkit train --mode`` and ``--parts-method`` warn when the run does not read them."""

import pytest
from graphkit.distributed.device import MPI_SIZE_VARIABLES
from graphkit.launch.cli import main

SMALL = ["--dataset-options", "{num_nodes: 60}", "--epochs", "1"]


@pytest.fixture(autouse=True)
def one_process(monkeypatch):
    for name in ("WORLD_SIZE", "RANK", *MPI_SIZE_VARIABLES):
        monkeypatch.delenv(name, raising=False)


def test_one_process_warns_mode_and_method(capsys):
    argv = ["train", *SMALL, "--mode", "one-shot", "--parts-method", "random"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "--mode one-shot is ignored: a run in one process exchanges no halo" in err
    assert (
        "--parts-method random is ignored: a run in one process does not split "
        "the graph" in err
    )


def test_partition_folder_warns_method(tmp_path, capsys):
    parts = tmp_path / "parts"
    partition = ["partition", "--parts", "1", "--out", str(parts)]
    assert main([*partition, "--dataset-options", "{num_nodes: 60}"]) == 0
    capsys.readouterr()
    train = ["train", "--partitions", str(parts), "--epochs", "1"]
    assert main([*train, "--parts-method", "random"]) == 0
    err = capsys.readouterr().err
    assert (
        f"--parts-method random is ignored: the nodes are already split in {parts}"
        in err
    )


def test_default_partitioning_quiet(capsys):
    assert main(["train", *SMALL, "--mode", "sar", "--parts-method", "metis"]) == 0
    err = capsys.readouterr().err
    assert "--mode" not in err
    assert "--parts-method" not in err


def test_partition_folder_warns_on_rank_zero_only(caplog):
    # Warnings pass the log filter on every rank, so a warning that all ranks logged
    # would print once per process.
    from graphkit.launch.cmd_train import warn_unused_partitioning
    from graphkit.train import TrainConfig

    config = TrainConfig(partitions="parts", parts_method="random")
    with caplog.at_level("WARNING"):
        warn_unused_partitioning(config, world_size=2, rank=1)
    assert caplog.records == []
    with caplog.at_level("WARNING"):
        warn_unused_partitioning(config, world_size=2, rank=0)
    assert [record.getMessage() for record in caplog.records] == [
        "parts_method='random' is ignored: the nodes are already split in parts"
    ]
