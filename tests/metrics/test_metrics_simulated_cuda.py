"""Homophily, informativeness and NIC accept labels, edges and masks on a GPU.

No GPU is needed: ``SimulatedCuda`` records the tensors created on ``"cuda"`` and raises
where a CUDA run would meet a CPU tensor. The measures copy their inputs to the CPU,
so their values must equal those of CPU inputs.
"""

import pytest
import torch
from graphkit.metrics import (
    adjusted_homophily,
    class_compatibility,
    class_insensitive_homophily,
    edge_homophily,
    edge_label_informativeness,
    nic,
    node_homophily,
    node_label_informativeness,
)
from simulated_cuda import SimulatedCuda

MEASURES = [
    adjusted_homophily,
    class_compatibility,
    class_insensitive_homophily,
    edge_homophily,
    edge_label_informativeness,
    nic,
    node_homophily,
    node_label_informativeness,
]


def labelled_graph() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    edges = torch.randint(0, 30, (2, 120), generator=generator)
    labels = torch.randint(0, 3, (30,), generator=generator)
    mask = torch.rand(30, generator=generator) < 0.7
    return edges, labels, mask


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.__name__)
def test_measure_with_cuda_mask(measure):
    edges, labels, mask = labelled_graph()
    expected = measure(edges, labels, node_mask=mask)
    with SimulatedCuda():
        value = measure(edges.cuda(), labels.cuda(), node_mask=mask.cuda())
    if torch.is_tensor(expected):
        assert torch.equal(value, expected)
    else:
        assert value == expected
