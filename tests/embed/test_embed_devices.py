"""Tensors that the iSVD helpers create follow the device of the input edges.

No GPU is needed. ``unique_undirected_edges`` runs on fake ``"meta"`` edges, which
raise on a CPU operand as CUDA edges would. The sparse builders cannot run on
``"meta"``, so their tests record the ``device=`` each factory call receives.
"""

import pytest
import torch
from torch.fx.experimental.symbolic_shapes import ShapeEnv

from graphkit.embed.leaves import DenseMatrix, SparseMatrix
from graphkit.embed.linkpred import unique_undirected_edges
from graphkit.embed.nodeclass import NodeClassConfig, gcn_adjacency, training_system
from graphkit.embed.wys import clipped_degrees, symmetric_adjacency

CPU = torch.device("cpu")
EDGES = torch.tensor([[0, 1, 2, 1], [1, 2, 0, 0]])


@pytest.fixture
def factory_devices(monkeypatch):
    """Record the ``device`` keyword of every ``torch.ones`` and ``torch.arange`` call."""
    calls: list[tuple[str, object]] = []
    for name in ("ones", "arange"):
        real = getattr(torch, name)

        def recording(*args, _name=name, _real=real, **kwargs):
            calls.append((_name, kwargs.get("device")))
            return _real(*args, **kwargs)

        monkeypatch.setattr(torch, name, recording)
    return calls


def test_unique_edges_on_input_device(fake_device):
    fake_device.shape_env = ShapeEnv()  # torch.unique has a data-dependent length.
    with fake_device:
        kept = unique_undirected_edges(EDGES.to("meta"), 3)
    assert kept.device == torch.device("meta")


def test_unique_edges_values_unchanged():
    kept = unique_undirected_edges(EDGES, 3)
    assert kept.tolist() == [[0, 1, 2], [1, 2, 0]]


def test_edge_weights_on_edge_device(factory_devices):
    matrix = SparseMatrix.from_edge_index(EDGES, 3)
    assert factory_devices == [("ones", CPU)]
    assert matrix.to_dense().sum() == 4


def test_symmetric_adjacency_on_edge_device(factory_devices):
    adjacency = symmetric_adjacency(EDGES, 3)
    assert factory_devices == [("ones", CPU)]
    assert adjacency.to_dense().tolist() == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]


def test_clipped_degrees_on_matrix_device(factory_devices):
    adjacency = symmetric_adjacency(EDGES, 3)
    factory_devices.clear()
    degrees = clipped_degrees(adjacency)
    assert factory_devices == [("ones", CPU)]
    assert degrees.tolist() == [2.0, 2.0, 2.0]


def test_gcn_self_loops_on_edge_device(factory_devices):
    gcn_adjacency(EDGES, 3)
    assert factory_devices[0] == ("arange", CPU)
    assert all(device == CPU for _, device in factory_devices)


def test_dropout_copies_on_design_device():
    # Plain "meta" tensors reject a CPU operand in elementwise products, as CUDA does.
    design = DenseMatrix(torch.empty(6, 4, device="meta"))
    labels = torch.tensor([0, 1, 0, 1, 0, 1])
    config = NodeClassConfig(dropout_copies=2)
    system, targets = training_system(design, labels, torch.tensor([0, 1, 2]), config)
    assert system.to_dense().device == torch.device("meta")
    assert system.shape == (9, 4)
    assert targets.shape == (9, 2)
