"""LocalGraph's sparse products run under CPU autocast in bfloat16.

Sum, mean and GCN aggregation of float32 features use a sparse CSR product. Inside
torch.autocast("cpu", dtype=torch.bfloat16), autocast would cast that product to
bfloat16, which torch 2.13's CPU kernel does not implement
("addmm_out_sparse_csr_impl_mkl" not implemented for 'BFloat16'), and SAGEConv and
GINConv would fail. The product therefore runs in the features' dtype, as PyG's
scatter does.
"""

import pytest
import torch
from graphkit.graph import LocalGraph
from graphkit.nn import GNN

EDGE_INDEX = torch.tensor([[0, 1, 2, 3, 0], [1, 2, 3, 0, 2]])
X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0], [-2.0, 1.0]])
OPERATIONS = {
    "sum": lambda graph, x: graph.aggregate(x, "sum"),
    "mean": lambda graph, x: graph.aggregate(x, "mean"),
    "gcn": lambda graph, x: graph.gcn_aggregate(x),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_aggregate_under_autocast(name):
    graph = LocalGraph(EDGE_INDEX, 4)
    operation = OPERATIONS[name]
    x = X.clone().requires_grad_()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = operation(graph, x)
    out.backward(torch.ones_like(out))
    reference = X.clone().requires_grad_()
    want = operation(graph, reference)
    want.backward(torch.ones_like(want))
    assert out.dtype == torch.float32
    assert torch.equal(out, want)
    assert torch.equal(x.grad, reference.grad)


def test_sum_values_under_autocast():
    graph = LocalGraph(EDGE_INDEX, 4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = graph.aggregate(X, "sum")
    # Node 2 receives from 1 and 0, node 0 from 3, node 1 from 0, node 3 from 2.
    assert out.tolist() == [[-2.0, 1.0], [1.0, 2.0], [4.0, 1.0], [0.5, 4.0]]


@pytest.mark.parametrize("model", ["sage", "gin"])
def test_model_trains_under_autocast(model):
    torch.manual_seed(0)
    net = GNN(model, 2, 8, 3, dropout=0.0)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = net(X, LocalGraph(EDGE_INDEX, 4))
    out.float().sum().backward()
    assert out.shape == (4, 3)
    assert all(p.grad is not None for p in net.parameters())
    # The linear layers run in bfloat16 (8 significant bits), so the output agrees
    # with the float32 one to about 1e-2 on these values of order 1.
    with torch.no_grad():
        reference = net(X, LocalGraph(EDGE_INDEX, 4))
    torch.testing.assert_close(out.float(), reference, rtol=5e-2, atol=5e-2)
