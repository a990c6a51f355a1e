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
    # The partition loader warns, so graphkit train adds no second warning.
    assert err.count("--parts-method random is ignored") == 1
    assert (
        f"--parts-method random is ignored: the partitions in {parts} are fixed. "
        "Pass --method random to graphkit partition instead" in err
    )


def test_default_partitioning_quiet(capsys):
    assert main(["train", *SMALL, "--mode", "sar", "--parts-method", "metis"]) == 0
    err = capsys.readouterr().err
    assert "--mode" not in err
    assert "--parts-method" not in err


def test_several_ranks_leave_options_unwarned(caplog):
    # With several processes --mode is used. The partition loader, not this check,
    # reports an ignored --parts-method, and only on rank 0.
    from graphkit.launch.cmd_train import warn_unused_partitioning
    from graphkit.train import TrainConfig

    config = TrainConfig(partitions="parts", parts_method="random", mode="sa")
    with caplog.at_level("WARNING"):
        warn_unused_partitioning(config, world_size=2)
    assert caplog.records == []
