"""METIS partitioning accepts edges and masks that live on a GPU.

No GPU is needed: ``GpuLike`` tensors reject ``.numpy()`` as CUDA tensors do, until
``.cpu()`` copies them to plain CPU tensors.
"""

import torch
from graphkit.distributed import partition_nodes


class GpuLike(torch.Tensor):
    """A CPU tensor that, like a CUDA tensor, converts to numpy only after ``.cpu()``."""

    def numpy(self, *args, **kwargs):
        raise TypeError(
            "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to "
            "copy the tensor to host memory first."
        )

    def cpu(self, *args, **kwargs):
        return self.as_subclass(torch.Tensor)


def two_triangles() -> tuple[torch.Tensor, torch.Tensor]:
    """Return two triangles joined by the edge 2 - 3, and a mask of nodes 0 and 3."""
    edge_index = torch.tensor([[0, 1, 2, 3, 4, 5, 2], [1, 2, 0, 4, 5, 3, 3]])
    train = torch.tensor([True, False, False, True, False, False])
    return edge_index, train


def test_metis_edges_from_gpu():
    edge_index, _ = two_triangles()
    expected = partition_nodes(edge_index, 6, 2, "metis")
    parts = partition_nodes(edge_index.as_subclass(GpuLike), 6, 2, "metis")
    assert type(parts) is torch.Tensor
    assert torch.equal(parts, expected)
    assert parts[0] == parts[1] == parts[2]
    assert parts[3] == parts[4] == parts[5]
    assert parts[0] != parts[3]


def test_metis_train_mask_from_gpu():
    edge_index, train = two_triangles()
    expected = partition_nodes(edge_index, 6, 2, "metis", train_mask=train)
    parts = partition_nodes(
        edge_index, 6, 2, "metis", train_mask=train.as_subclass(GpuLike)
    )
    assert torch.equal(parts, expected)
    assert torch.bincount(parts[train], minlength=2).tolist() == [1, 1]
