"""The sampled product of GAT's backward pass accepts half-precision inputs.

torch.sparse.sampled_addmm has no float16 or bfloat16 kernel on the CPU or on CUDA, so
a GAT in half precision on a GPU failed in its backward pass. The CPU lacks the same
kernels, so these tests fail there in the same way without the float32 fallback.
"""

import pytest
import torch
from graphkit.ops.attention import sampled_values

# Nonzeros at (0, 0), (0, 2) and (1, 1).
PATTERN = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]).to_sparse_csr()
LEFT = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
RIGHT = torch.tensor([[1.0, 0.0, 2.0], [0.5, 1.0, 1.0]])


def test_sampled_values_float32():
    values = sampled_values(PATTERN, LEFT, RIGHT)
    assert values.tolist() == [2.0, 4.0, 4.0]
    reference = torch.sparse.sampled_addmm(PATTERN, LEFT, RIGHT, beta=0.0).values()
    assert torch.equal(values, reference)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_sampled_values_half(dtype):
    values = sampled_values(PATTERN.to(dtype), LEFT.to(dtype), RIGHT.to(dtype))
    assert values.dtype == dtype
    assert values.tolist() == [2.0, 4.0, 4.0]
