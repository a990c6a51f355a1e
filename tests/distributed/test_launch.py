"""The trainer runs unchanged on partitions, from the command line and under launchers."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from graphkit.launch.cli import main

from harness import run_world
from workers import train_config, train_partition, train_steps

pytestmark = pytest.mark.distributed


def single_process(changes):
    from graphkit.launch.cmd_train import load_local

    config = train_config(**changes)
    graph, data = load_local(config)
    return train_steps(graph, data, config)


@pytest.mark.parametrize(
    "changes",
    [
        {"model": "sage"},
        {"model": "gat", "mode": "sa", "parts_method": "random"},
        {"model": "gcn", "mode": "one-shot", "layers": 3},
    ],
    ids=["sage-sar-metis", "gat-sa-random", "gcn-one-shot"],
)
def test_trainer_losses_match_one_process(changes):
    # Batch norm is left out: a bias right before it has a zero gradient up to rounding,
    # which Adam scales to full steps in a direction that differs between runs.
    want_losses, want_scores = single_process(changes)
    for losses, scores in run_world(train_partition, 2, changes):
        assert losses == pytest.approx(want_losses, abs=1e-5)
        for split in ("train", "val", "test"):
            assert scores[split] == pytest.approx(want_scores[split], abs=1e-9)


def test_partition_command_writes_folder(tmp_path, capsys):
    out = tmp_path / "parts"
    code = main(
        [
            "partition",
            "--parts",
            "3",
            "--out",
            str(out),
            "--method",
            "random",
            "--dataset-options",
            "{num_nodes: 300}",
        ]
    )
    assert code == 0
    assert "wrote 3 partitions of synthetic" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "meta.json",
        "part-0000.pt",
        "part-0001.pt",
        "part-0002.pt",
    ]


def _run(command, env_extra=None, timeout=600):
    env = {**os.environ, "OMP_NUM_THREADS": "1", **(env_extra or {})}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


TEST_SCORE = re.compile(r"test (\w+): ([0-9.]+)")


def test_torchrun_and_mpiexec_agree(tmp_path):
    folder = tmp_path / "parts"
    _run(
        [
            sys.executable,
            "-m",
            "graphkit.launch",
            "partition",
            "--parts",
            "2",
            "--out",
            str(folder),
            "--dataset-options",
            "{num_nodes: 2000}",
        ]
    )
    train = [
        "-m",
        "graphkit.launch",
        "train",
        "--partitions",
        str(folder),
        "--epochs",
        "5",
        "--dropout",
        "0",
        "--dataset-options",
        "{num_nodes: 2000}",
    ]
    torchrun = _run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node=2",
            *train,
        ]
    )
    scores = TEST_SCORE.findall(torchrun)
    assert scores, torchrun
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip("mpiexec not found: install mpich to compare with torchrun")
    assert (
        TEST_SCORE.findall(_run([mpiexec, "-n", "2", sys.executable, *train])) == scores
    )


def test_torchrun_default_run_prints_accuracy():
    output = _run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node=2",
            "-m",
            "graphkit.launch",
            "train",
            "--epochs",
            "3",
        ]
    )
    assert TEST_SCORE.search(output), output


def _train_both(tmp_path, shared_data, dataset, parts, extra=()):
    """Test score of one process and of ``parts`` torchrun processes, same options."""
    root = str(shared_data / "graphs")
    env = {"GRAPHKIT_CACHE": str(tmp_path / "cache")}
    train = ["train", "--dataset", dataset, "--root", root, "--model", "sage", *extra]
    single = _run([sys.executable, "-m", "graphkit.launch", *train], env)
    folder = tmp_path / "parts"
    _run(
        [
            sys.executable,
            "-m",
            "graphkit.launch",
            "partition",
            "--dataset",
            dataset,
            "--root",
            root,
            "--parts",
            str(parts),
            "--out",
            str(folder),
        ],
        env,
    )
    sharded = _run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            f"--nproc_per_node={parts}",
            "-m",
            "graphkit.launch",
            *train,
            "--partitions",
            str(folder),
        ],
        env,
    )
    return float(TEST_SCORE.search(single).group(2)), float(
        TEST_SCORE.search(sharded).group(2)
    )


@pytest.mark.realdata
def test_cora_two_partitions_match_one_process(tmp_path, shared_data):
    single, sharded = _train_both(tmp_path, shared_data, "cora", 2)
    assert sharded >= 0.78
    assert abs(sharded - single) <= 0.015


@pytest.mark.realdata
def test_tolokers_four_partitions_match_one_process(tmp_path, shared_data):
    single, sharded = _train_both(
        tmp_path, shared_data, "tolokers", 4, ["--epochs", "200"]
    )
    assert abs(sharded - single) <= 0.01
