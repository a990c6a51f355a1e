"""The Permutohedral-GCN layer, its model registration and training through the CLI."""

import re

import pytest
import torch
from torch.testing import assert_close

from graphkit.graph import LocalGraph
from graphkit.launch.cli import main
from graphkit.nn import GCNConv
from graphkit.nn.models import GNN, MODELS, LayerSpec
from graphkit.nn.pgcn import PGCNConv


def random_graph(n=40, e=160, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, n, (2, e), generator=g), n


class ShardedGraph(LocalGraph):
    """A local graph that reports two partitions, as one shard of a sharded graph."""

    @property
    def world_size(self) -> int:
        return 2


def test_equal_embeddings_give_global_mean():
    # With a zero embedding every node sits at one point, so each head returns the mean
    # of u = X W over all nodes, and the local term is GCN's output without its bias.
    torch.manual_seed(0)
    edge_index, n = random_graph()
    graph = LocalGraph(edge_index, n)
    x = torch.randn(n, 5, dtype=torch.float64)
    layer = PGCNConv(5, 3, heads=2).double()
    with torch.no_grad():
        layer.lin_embed.weight.zero_()
        layer.mix_logits.copy_(torch.tensor([0.5, -1.0, 0.2]))
        layer.bias.copy_(torch.tensor([0.1, 0.2, 0.3]))
    gcn = GCNConv(5, 3, bias=False).double()
    gcn.lin.weight.data.copy_(layer.lin.weight)
    mix = torch.softmax(layer.mix_logits.detach(), 0)
    u = x @ layer.lin.weight.T
    expected = (
        layer.lin_root(x)
        + mix[0] * gcn(x, graph)
        + (mix[1] + mix[2]) * u.mean(0)
        + layer.bias
    )
    assert_close(layer(x, graph), expected.detach())


def test_exact_heads_by_formula_on_ring():
    # A 6-node ring: with one self-loop per node every degree is 3, so the GCN term is
    # (u_{i-1} + u_i + u_{i+1}) / 3. Head h embeds z = x E_h^T, where E_h is rows
    # h * embed_dim to (h + 1) * embed_dim - 1 of lin_embed, and averages u with weights
    # exp(-||z_i - z_j||^2 / 2). The heads get different embeddings and mix weights,
    # so swapping heads or their weights changes the output.
    n, heads, embed_dim = 6, 2, 2
    ring = torch.arange(n)
    edge_index = torch.cat(
        [torch.stack([ring, (ring + 1) % n]), torch.stack([(ring + 1) % n, ring])], 1
    )

    generator = torch.Generator().manual_seed(5)
    x = torch.randn(n, 3, generator=generator, dtype=torch.float64)
    layer = PGCNConv(3, 2, heads=heads, embed_dim=embed_dim, exact=True).double()
    with torch.no_grad():
        layer.lin_embed.weight.copy_(
            torch.tensor(
                [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.3], [0.5, 0.0, 0.5]]
            )
        )
        layer.mix_logits.copy_(torch.tensor([0.3, 1.0, -0.7]))
        layer.bias.copy_(torch.tensor([0.1, -0.2]))

    weight = layer.lin.weight.detach()
    u = x @ weight.T
    gcn = (u + u.roll(1, 0) + u.roll(-1, 0)) / 3
    mix = torch.softmax(torch.tensor([0.3, 1.0, -0.7], dtype=torch.float64), 0)
    expected = x @ layer.lin_root.weight.detach().T + mix[0] * gcn
    for h in range(heads):
        embedding = layer.lin_embed.weight.detach()[h * embed_dim : (h + 1) * embed_dim]
        z = x @ embedding.T
        squared = ((z.unsqueeze(1) - z.unsqueeze(0)) ** 2).sum(-1)
        kernel = torch.exp(-squared / 2)
        expected = expected + mix[h + 1] * (kernel @ u) / kernel.sum(1, keepdim=True)
    expected = expected + torch.tensor([0.1, -0.2], dtype=torch.float64)

    graph = LocalGraph(edge_index, n)
    assert_close(layer(x, graph).detach(), expected)


def test_lattice_heads_match_exact_heads():
    torch.manual_seed(1)
    edge_index, n = random_graph(n=300, e=1200)
    graph = LocalGraph(edge_index, n)
    x = torch.randn(n, 8, dtype=torch.float64)
    layer = PGCNConv(8, 6, heads=2).double()
    exact = PGCNConv(8, 6, heads=2, exact=True).double()
    exact.load_state_dict(layer.state_dict())
    u = layer.lin(x)
    approx_heads = layer.global_attention(x, u)
    exact_heads = exact.global_attention(x, u)
    error = (approx_heads - exact_heads).norm() / exact_heads.norm()
    assert error < 0.2
    out, out_exact = layer(x, graph), exact(x, graph)
    assert (out - out_exact).norm() / out_exact.norm() < 0.1


def test_node_permutation_permutes_output():
    torch.manual_seed(2)
    edge_index, n = random_graph(n=200, e=800)
    x = torch.randn(n, 6, dtype=torch.float64)
    layer = PGCNConv(6, 4, heads=3).double()
    perm = torch.randperm(n)
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(n)
    out = layer(x, LocalGraph(edge_index, n))
    out_perm = layer(x[perm], LocalGraph(inverse[edge_index], n))
    assert_close(out_perm, out[perm])


def test_gradients_reach_embeddings_and_mix():
    torch.manual_seed(3)
    edge_index, n = random_graph()
    layer = PGCNConv(5, 3, heads=2)
    layer(torch.randn(n, 5), LocalGraph(edge_index, n)).square().sum().backward()
    assert layer.lin_embed.weight.grad.abs().sum() > 0
    assert layer.mix_logits.grad.abs().sum() > 0
    assert layer.lin.weight.grad.abs().sum() > 0


def test_sharded_graph_is_rejected():
    edge_index, n = random_graph()
    layer = PGCNConv(5, 3)
    with pytest.raises(RuntimeError, match="one of 2 partitions"):
        layer(torch.randn(n, 5), ShardedGraph(edge_index, n))


def test_invalid_heads_rejected():
    with pytest.raises(ValueError, match="must be at least 1, got heads=0"):
        PGCNConv(5, 3, heads=0)


def test_registered_model_builds_stack():
    assert "pgcn" in MODELS
    layer = MODELS["pgcn"](7, 5, False, LayerSpec(heads=3))
    assert isinstance(layer, PGCNConv)
    assert layer.heads == 3
    model = GNN("pgcn", 7, 16, 4, num_layers=2)
    edge_index, n = random_graph()
    assert model(torch.randn(n, 7), LocalGraph(edge_index, n)).shape == (n, 4)


def test_train_cli_runs_pgcn(capsys):
    options = ["--epochs", "3", "--heads", "2", "--dataset-options", "{num_nodes: 500}"]
    assert main(["train", "--model", "pgcn", *options]) == 0
    assert "3 epochs run" in capsys.readouterr().out


@pytest.mark.realdata
def test_texas_split_beats_majority(shared_data, capsys):
    # 101 of Texas's 183 nodes are in one class, so 0.55 is the majority baseline.
    root = shared_data / "graphs"
    args = ["train", "--dataset", "texas", "--root", str(root), "--model", "pgcn"]
    assert main([*args, "--split", "0", "--epochs", "30", "--heads", "2"]) == 0
    found = re.search(r"test accuracy: ([0-9.]+)", capsys.readouterr().out)
    assert found
    assert float(found.group(1)) >= 0.6
