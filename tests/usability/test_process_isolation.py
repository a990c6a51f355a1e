"""Commands run in-process leave no process group behind for later forked workers."""

import torch.distributed as dist
from graphkit.distributed.runtime import init_process_group
from graphkit.launch.cli import main, run


def test_failed_distributed_train_stops_group(tmp_path, capsys):
    missing = tmp_path / "parts"
    assert run(["train", "--dataset", "cora", "--partitions", str(missing)]) == 2
    assert not dist.is_initialized()


def test_distributed_train_stops_group(tmp_path, capsys):
    parts = tmp_path / "parts"
    options = ["--dataset-options", "{num_nodes: 60, avg_degree: 4, num_features: 4}"]
    assert main(["partition", *options, "--parts", "1", "--out", str(parts)]) == 0
    assert main(["train", *options, "--partitions", str(parts), "--epochs", "2"]) == 0
    assert "test accuracy" in capsys.readouterr().out
    assert not dist.is_initialized()


def test_callers_group_kept(tmp_path):
    from graphkit.distributed.runtime import destroy_process_group

    parts = tmp_path / "parts"
    options = ["--dataset-options", "{num_nodes: 60, avg_degree: 4, num_features: 4}"]
    assert main(["partition", *options, "--parts", "1", "--out", str(parts)]) == 0
    init_process_group()
    try:
        assert (
            main(["train", *options, "--partitions", str(parts), "--epochs", "1"]) == 0
        )
        assert dist.is_initialized()
    finally:
        destroy_process_group()
