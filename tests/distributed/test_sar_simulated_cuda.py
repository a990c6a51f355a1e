"""Distributed training passes on a CUDA device match the CPU, with every halo codec.

No GPU is needed. Each rank runs its passes on the simulated CUDA device of
``tests/simulated_cuda.py`` with a communicator on ``"cuda"``, which rejects CPU
tensors as one on nccl does, while the gloo group sends the tensors' CPU data. A CPU
buffer anywhere in the exchange, the SAR backward passes or a codec therefore fails
here as it would under nccl.
"""

import pytest
from harness import run_world
from simulated_cuda_workers import simulated_cuda_matches_cpu

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
