"""GradientSync reads the all-reduced buffer on the host once per step, on CUDA too.

The one read returns the counts that decide, on every rank alike, which gradients stay
None and whether some ranks froze a parameter that others train. On nccl,
``Communicator.all_reduce`` blocks the host until the all-reduce has finished, so the
read adds a copy of a few numbers but no further wait for the GPU. A second read per
step, such as one per parameter, would add more copies.
"""

import pytest
import torch
from harness import run_world
from torch import nn

pytestmark = pytest.mark.distributed

STEPS = 3


def _sync_on_simulated_cuda(rank: int, world_size: int):
    """Return the host reads of agree and of each step, and the last summed gradients."""
    from simulated_cuda import SimulatedCuda

    from graphkit.distributed.comm import Communicator
    from graphkit.distributed.gradients import GradientSync

    with SimulatedCuda() as cuda:
        comm = Communicator(None, 60.0, None, "cuda")
        sync = GradientSync(comm)
        torch.manual_seed(0)
        model = nn.Linear(3, 2).to("cuda")
        before = cuda.host_reads
        sync.agree(model)
        reads = {"agree": cuda.host_reads - before}
        for step in range(STEPS):
            model.weight.grad = torch.full((2, 3), float(rank + step), device="cuda")
            # Rank 1 has no bias gradient in the last step, so the counts decide it.
            last = step == STEPS - 1
            bias = None if last and rank == 1 else torch.ones(2, device="cuda")
            model.bias.grad = bias
            before = cuda.host_reads
            sync(model)
            reads[f"step {step}"] = cuda.host_reads - before
        grads = (model.weight.grad.cpu().tolist(), model.bias.grad.cpu().tolist())
    return reads, grads


def test_one_host_read_per_step():
    for rank, (reads, (weight, bias)) in enumerate(
        run_world(_sync_on_simulated_cuda, 2, timeout_s=60.0)
    ):
        assert reads["agree"] == 1, f"rank {rank}: {reads}"
        for step in range(STEPS):
            assert reads[f"step {step}"] == 1, f"rank {rank}: {reads}"
        # The last step sums rank + 2 over ranks 0 and 1, and one bias gradient.
        assert weight == [[5.0] * 3] * 2
        assert bias == [1.0, 1.0]
