"""Distributed start-up, partition and device errors name Python settings from Python.

Each case calls the library function directly, once as a Python caller and once inside
``command_line_options()`` as ``graphkit train`` does, whose text must stay as it was.
"""

import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from graphkit.distributed import device as dev
from graphkit.distributed.files import PartitionFileError
from graphkit.distributed.runtime import check_dataset, check_split, free_port
from graphkit.distributed.source import check_source, options_problem, root_problem
from graphkit.option_names import command_line_options

# A flag such as --dataset or --timeout-s.
FLAG = re.compile(r"--[a-z]")


def message(call, *args, cli=False, error=ValueError):
    """Return the message of the ``error`` that ``call(*args)`` raises."""
    with pytest.raises(error) as caught:
        if cli:
            with command_line_options():
                call(*args)
        else:
            call(*args)
    return str(caught.value)


def config(**fields):
    return SimpleNamespace(
        **{"partitions": "parts", "dataset": "cora", "split": None, **fields}
    )


def test_dataset_mismatch_python():
    text = message(
        check_dataset, {"dataset": "chameleon"}, config(), error=PartitionFileError
    )
    assert text == (
        "parts contains partitions of dataset 'chameleon', but dataset is 'cora'; "
        "pass dataset='chameleon' or run graphkit partition for cora into another "
        "folder"
    )


def test_dataset_mismatch_cli():
    text = message(
        check_dataset,
        {"dataset": "chameleon"},
        config(),
        cli=True,
        error=PartitionFileError,
    )
    assert text == (
        "parts contains partitions of dataset 'chameleon', but --dataset is 'cora'; "
        "pass --dataset chameleon or run graphkit partition for cora into another "
        "folder"
    )


@pytest.mark.parametrize(
    "recorded, cli, expected",
    [
        (
            0,
            False,
            "split=3 was requested, but parts contains split 0 only. Pass split=0",
        ),
        (
            0,
            True,
            "--split 3 was requested, but parts contains split 0 only. Pass --split 0",
        ),
        (
            None,
            False,
            "split=3 was requested, but parts contains one split only (1-D masks). "
            "Pass split=0 or split=None",
        ),
        (
            None,
            True,
            "--split 3 was requested, but parts contains one split only (1-D masks). "
            "Pass --split 0 or leave --split out",
        ),
    ],
)
def test_split_mismatch(recorded, cli, expected):
    text = message(
        check_split,
        {"split": recorded},
        config(split=3),
        1,
        cli=cli,
        error=PartitionFileError,
    )
    assert text == (
        f"{expected}, or run graphkit partition --split 3 into another folder"
    )


def test_dataset_options_problem_python():
    meta = {"source": {"dataset_options": {"num_nodes": 100}}}
    problem = options_problem(meta, "p", {"num_nodes": 200})
    assert problem.startswith('dataset_options {"num_nodes": 200} differ from')


def test_root_problem_python(tmp_path):
    meta = {"source": {"root": str(tmp_path)}}
    other = str(tmp_path / "other")
    assert root_problem(meta, other).startswith(f"root={other!r} is not the data root")
    with command_line_options():
        cli_text = root_problem(meta, other)
    assert cli_text.startswith(f"--root {other} is not the data root")


class OtherRankFailed:
    """A communicator whose all-reduce reports that one other rank failed."""

    device = "cpu"

    def all_reduce(self, tensor, label):
        tensor += 1
        return tensor


def test_source_problem_on_rank_zero_python():
    meta = {"source": {"dataset_options": {}, "files": []}}
    text = message(
        check_source,
        OtherRankFailed(),
        meta,
        config(dataset_options={}, root=None),
        1,
        error=PartitionFileError,
    )
    assert text == (
        "rank 0 found that the dataset files or dataset_options do not match the "
        "partitions in parts; see its error"
    )


def test_device_cuda_without_gpu_python():
    text = message(dev.resolve_device_type, "cuda", False)
    assert "Pass device='cpu', or install a CUDA build of torch" in text
    assert not FLAG.search(text)


def test_device_cuda_without_gpu_cli():
    text = message(dev.resolve_device_type, "cuda", False, cli=True)
    assert text.startswith(
        "--device cuda was requested but torch.cuda.is_available() is False"
    )
    assert "Pass --device cpu, or install a CUDA build of torch" in text


@pytest.mark.parametrize(
    "backend, device_type, python_fix, cli_fix",
    [
        (
            "nccl",
            "cpu",
            "Pass device='cuda' on a machine with GPUs, or backend='gloo' (or auto)",
            "Pass --device cuda on a machine with GPUs, or --backend gloo (or auto)",
        ),
        (
            "gloo",
            "cuda",
            "Pass backend='nccl' (or auto), or device='cpu'",
            "Pass --backend nccl (or auto), or --device cpu",
        ),
    ],
)
def test_backend_device_mismatch(backend, device_type, python_fix, cli_fix):
    python_text = message(dev.resolve_backend, backend, device_type)
    cli_text = message(dev.resolve_backend, backend, device_type, cli=True)
    assert python_text.endswith(python_fix)
    assert cli_text.endswith(cli_fix)


def test_cuda_device_fixes_python():
    assert message(dev.cuda_device_for, 0, 0) == (
        "no CUDA device is visible. Pass device='cpu'"
    )
    assert message(dev.cuda_device_for, 0, 0, cli=True) == (
        "no CUDA device is visible. Pass --device cpu"
    )
    assert message(dev.cuda_device_for, 2, 2).endswith("or pass device='cpu'")


# A rank 0 of two whose peer never starts: init_process_group times out after 1 s.
START_ALONE = """
import sys
from graphkit.distributed.runtime import init_process_group
from graphkit.option_names import command_line_options

try:
    if sys.argv[1] == "cli":
        with command_line_options():
            init_process_group(1.0)
    else:
        init_process_group(1.0)
except TimeoutError as error:
    print(error)
"""


@pytest.mark.parametrize("caller, fix", [("python", "timeout_s"), ("cli", "--timeout-s")])
def test_start_up_timeout_names_timeout(caller, fix):
    env = {
        **os.environ,
        "RANK": "0",
        "WORLD_SIZE": "2",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(free_port()),
        "OMP_NUM_THREADS": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", START_ALONE, caller],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stderr
    assert len(lines) == 1
    assert lines[0].startswith("rank 0: start-up timed out after 1 s")
    assert lines[0].endswith(f"or raise {fix}")
