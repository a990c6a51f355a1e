"""Distributed training passes on a CUDA device match the CPU, with every halo codec.

No GPU is needed. Each rank runs its passes on the simulated CUDA device of
``tests/simulated_cuda.py`` with a communicator on ``"cuda"``, which rejects CPU
tensors as one on nccl does, while the gloo group sends the tensors' CPU data. A CPU
buffer anywhere in the exchange, the SAR backward passes or a codec therefore fails
here as it would under nccl.
"""

import pytest
import torch
from harness import run_world
from simulated_cuda_workers import (
    simulated_cuda_matches_cpu,
    training_on_cuda_matches_cpu,
)

# Each mode is one world of two ranks, which keeps each test short.
CASES = {
    "sar": ("gat", "gcn-batchnorm"),
    "one-shot": ("sage-max", "message-edge"),
}


@pytest.mark.distributed
@pytest.mark.parametrize("mode", sorted(CASES))
def test_two_ranks_on_cuda_match_cpu(mode):
    results = run_world(simulated_cuda_matches_cpu, 2, CASES[mode], (mode,))
    failures = [line for lines in results for line in lines]
    assert not failures, "\n".join(failures[:10])


@pytest.mark.distributed
def test_compressed_training_on_cuda_matches_cpu():
    compressions = ("quantize", "random-projection", "subsample", "learned")
    results = run_world(training_on_cuda_matches_cpu, 2, compressions)
    failures = [line for lines in results for line in lines]
    assert not failures, "\n".join(failures[:10])


class GroupStarted(Exception):
    """Raised in place of starting a process group."""


def test_cli_accepts_compression_on_cuda(monkeypatch, tmp_path):
    from graphkit.distributed import device, runtime
    from graphkit.launch.cli import main

    cuda = (torch.device("cuda", 0), "nccl")
    monkeypatch.setattr(device, "select_device", lambda *args, **kwargs: cuda)

    def start_group(*args, **kwargs):
        raise GroupStarted

    monkeypatch.setattr(runtime, "init_process_group", start_group)
    options = ["--partitions", str(tmp_path), "--compression", "quantize"]
    with pytest.raises(GroupStarted):
        main(["train", "--device", "cuda", *options])
