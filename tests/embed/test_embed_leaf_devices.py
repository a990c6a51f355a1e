"""Implicit matrices on several devices fail when combined, naming the devices.

No GPU is needed: ``SimulatedCuda`` raises where a CUDA run would meet a CPU tensor.
"""

from __future__ import annotations

import pytest
import torch
from simulated_cuda import SimulatedCuda

from graphkit.embed import DenseMatrix, Identity, LowRank, hstack, vstack


@pytest.mark.parametrize(
    "combine, name",
    [
        (lambda a, b: a + b, "Sum"),
        (lambda a, b: a @ b, "Product"),
        (hstack, "HStack"),
        (vstack, "VStack"),
    ],
)
def test_mixed_device_leaves_rejected(combine, name):
    with SimulatedCuda():
        on_gpu = DenseMatrix(torch.eye(2, device="cuda"))
        on_cpu = DenseMatrix(torch.eye(2))
        # Without the check, the first product would fail inside torch's matmul.
        with pytest.raises(ValueError, match=rf"{name} needs implicit matrices on one"):
            combine(on_gpu, on_cpu)


def test_cpu_operand_moves_to_matrix_device():
    with SimulatedCuda() as cuda:
        matrix = DenseMatrix(2 * torch.eye(2, device="cuda"))
        out = matrix.matmul(torch.ones(2, 1))
        assert cuda.device_of(out) == "cuda"
        low_rank = LowRank(torch.ones(2, 1, device="cuda"), torch.ones(2, 1))
        total = (matrix + low_rank).matmul(torch.ones(2, 1, device="cuda"))
        assert cuda.device_of(total) == "cuda"
    assert out.tolist() == [[2.0], [2.0]]
    # (2 I + 1 1^T) 1 = 2 + 2 in each row.
    assert total.tolist() == [[4.0], [4.0]]


def test_unindexed_cuda_device_matches_indexed():
    with SimulatedCuda():
        matrix = DenseMatrix(torch.eye(2, device="cuda"))
        identity = Identity(2, device="cuda")
        assert (matrix + identity).shape == (2, 2)
