"""Closed-form linearised GCN and the SVD-initialised deep network."""

from __future__ import annotations

import pytest
import torch
from graphkit.datasets import load_dataset
from sklearn.decomposition import PCA
from torch.testing import assert_close
from torch_geometric.data import Data

from graphkit.embed import deep
from graphkit.embed.deep import FinetuneConfig, SVDInitializedGCN, finetune
from graphkit.embed.leaves import DenseMatrix
from graphkit.embed.nodeclass import (
    LinearSolution,
    NodeClassConfig,
    accuracy,
    design_matrix,
    fit_linear_gcn,
    gcn_adjacency,
    node_features,
    pca,
    solve_least_squares,
    training_system,
)
from graphkit.embed.rsvd import randomized_svd

EDGES = torch.tensor([[0, 1, 1, 2, 3], [1, 0, 2, 3, 4]])


def dense_gcn_adjacency(edge_index: torch.Tensor, n: int) -> torch.Tensor:
    adjacency = torch.eye(n)
    adjacency[edge_index[0], edge_index[1]] = 1
    adjacency[edge_index[1], edge_index[0]] = 1
    scale = adjacency.sum(1).rsqrt()
    return scale[:, None] * adjacency * scale[None, :]


def test_gcn_adjacency_hand_values():
    adjacency = gcn_adjacency(EDGES, 5).to_dense()
    # Node 0 has neighbours {0, 1}: degree 2; node 1 has {0, 1, 2}: degree 3.
    assert adjacency[0, 0].item() == pytest.approx(1 / 2)
    assert adjacency[0, 1].item() == pytest.approx(1 / 6**0.5)
    assert adjacency[0, 2].item() == 0
    assert_close(adjacency, dense_gcn_adjacency(EDGES, 5))


def test_design_matrix_matches_dense():
    features = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    dense_adjacency = dense_gcn_adjacency(EDGES, 5)
    expected = torch.cat(
        [
            features,
            dense_adjacency @ features,
            dense_adjacency @ dense_adjacency @ features,
        ],
        1,
    )
    design = design_matrix(gcn_adjacency(EDGES, 5), features, hops=2)
    assert design.shape == (5, 9)
    assert_close(design.to_dense(), expected)


def test_least_squares_matches_pseudo_inverse():
    generator = torch.Generator().manual_seed(1)
    h = torch.randn(12, 5, generator=generator, dtype=torch.float64)
    h[:, 4] = h[:, 0] + h[:, 1]  # rank 4: one singular value is (numerically) zero
    y = torch.randn(12, 3, generator=generator, dtype=torch.float64)
    u, s, v = randomized_svd(DenseMatrix(h), 4, oversample=1)
    assert_close(solve_least_squares(u, s, v, y), torch.linalg.pinv(h) @ y)


def tiny_graph(seed: int = 0, n: int = 40, classes: int = 3) -> Data:
    """Class-correlated features on a ring with chords; masks 24 / 8 / 8 nodes."""
    generator = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % classes
    x = torch.nn.functional.one_hot(y, classes).float() + 0.5 * torch.randn(
        n, classes, generator=generator
    )
    ring = torch.stack([torch.arange(n), (torch.arange(n) + classes) % n])
    chords = torch.randint(0, n, (2, n // 2), generator=generator)
    masks = torch.zeros(3, n, dtype=torch.bool)
    masks[0, :24], masks[1, 24:32], masks[2, 32:] = True, True, True
    return Data(
        x=x,
        edge_index=torch.cat([ring, chords], 1),
        y=y,
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
    )


TINY = NodeClassConfig(
    hops=2, wys_rank=0, pca_dim=3, svd_rank=50, oversample=4, dropout_copies=0
)


def test_fit_matches_dense_least_squares():
    data = tiny_graph()
    solution = fit_linear_gcn(data, TINY)
    design = solution.design.to_dense()
    assert design.shape == (40, 9)
    targets = torch.nn.functional.one_hot(data.y[data.train_mask], 3).float()
    expected = torch.linalg.pinv(design[data.train_mask].double()) @ targets.double()
    assert_close(solution.weight.double(), expected, atol=1e-4, rtol=1e-4)
    assert_close(solution.logits(), design @ solution.weight, atol=1e-5, rtol=1e-5)
    assert set(solution.timings) >= {"features", "products", "svd", "solve"}


def test_dropout_copies_double_rows():
    data = tiny_graph()
    config = NodeClassConfig(**{**TINY.__dict__, "dropout_copies": 2})
    solution = fit_linear_gcn(data, config)
    assert solution.weight.shape == (9, 3)
    assert torch.isfinite(solution.weight).all()
    design = solution.design.to_dense()[data.train_mask]  # (24, 9)
    train_index = data.train_mask.nonzero().squeeze(1)
    system, targets = training_system(solution.design, data.y, train_index, config)
    stacked = system.to_dense()
    assert stacked.shape == (3 * 24, 9)
    assert_close(stacked[:24], design)
    # Each copy keeps an entry scaled by 1 / keep or drops it to zero.
    keep = 1.0 - config.dropout
    copies = [stacked[24:48], stacked[48:]]
    for copy in copies:
        kept = copy != 0
        assert_close(copy[kept], design[kept] / keep)
        assert 0 < int(kept.sum()) < design.numel()
    assert not torch.equal(copies[0], copies[1])
    one_hot = torch.nn.functional.one_hot(data.y[data.train_mask], 3).float()
    assert torch.equal(targets, one_hot.repeat(3, 1))
    # With 72 rows and 9 columns, the rank-9 SVD solves the full least-squares problem.
    expected = torch.linalg.pinv(stacked.double()) @ targets.double()
    assert_close(solution.weight.double(), expected, atol=1e-4, rtol=1e-4)


def test_svd_rank_truncates_least_squares():
    # With svd_rank=4 of the 9 design columns, W = V_4 S_4^-1 U_4^T Y from the top 4
    # singular triplets of the dense training rows (singular values 5.8 to 0.21, so
    # the truncation changes W by more than 1).
    data = tiny_graph()
    config = NodeClassConfig(**{**TINY.__dict__, "svd_rank": 4})
    solution = fit_linear_gcn(data, config)
    design = solution.design.to_dense()[data.train_mask].double()
    targets = torch.nn.functional.one_hot(data.y[data.train_mask], 3).double()
    u, s, vh = torch.linalg.svd(design, full_matrices=False)
    expected = vh[:4].T @ torch.diag(1 / s[:4]) @ u[:, :4].T @ targets
    assert_close(solution.weight.double(), expected, atol=1e-5, rtol=1e-5)


def test_dropout_keep_fraction_and_scale():
    # With p = 0.8 a copy keeps about a fifth of the entries, scaled by 1 / 0.2 = 5.
    # At p = 0.5 a mask with the comparison reversed, or a scale of 1 / p, would
    # look the same.
    data = tiny_graph()
    config = NodeClassConfig(**{**TINY.__dict__, "dropout_copies": 4, "dropout": 0.8})
    solution = fit_linear_gcn(data, config)
    design = solution.design.to_dense()[data.train_mask]
    train_index = data.train_mask.nonzero().squeeze(1)
    system, _ = training_system(solution.design, data.y, train_index, config)
    copies = system.to_dense()[24:].view(4, 24, 9)
    nonzero = design != 0
    kept = (copies != 0) & nonzero
    for copy, mask in zip(copies, kept):
        assert_close(copy[mask], design[mask] * 5.0)
    # Over 4 copies of 216 non-zero entries the kept fraction has mean 0.2 and
    # standard deviation 0.014 (0.199 with this seed).
    fraction = int(kept.sum()) / (4 * int(nonzero.sum()))
    assert 0.12 < fraction < 0.28, fraction


def random_solution(seed: int = 2, hops: int = 3) -> tuple[LinearSolution, Data]:
    data = tiny_graph(seed)
    generator = torch.Generator().manual_seed(seed)
    features = torch.randn(40, 4, generator=generator)
    adjacency = gcn_adjacency(data.edge_index, 40)
    design = design_matrix(adjacency, features, hops)
    weight = torch.randn((hops + 1) * 4, 3, generator=generator)
    return LinearSolution(features, adjacency, design, weight), data


@pytest.mark.parametrize("train_propagation", [True, False])
def test_deep_model_initially_equals_linear(train_propagation):
    solution, _ = random_solution()
    model = SVDInitializedGCN.from_linear_solution(
        solution, hops=3, train_propagation=train_propagation
    )
    model.eval()
    out = model(solution.features, solution.adjacency.matrix)
    expected = solution.design.to_dense() @ solution.weight
    assert_close(out, expected, atol=1e-5, rtol=1e-5)
    assert_close(out, solution.logits(), atol=1e-5, rtol=1e-5)


def test_finetune_moves_every_branch():
    solution, data = random_solution()
    model = SVDInitializedGCN.from_linear_solution(solution, hops=3, dropout=0.0)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    config = FinetuneConfig(epochs=2, lr=1e-2, restore_best=False)
    history = finetune(
        model, solution.features, solution.adjacency.matrix, data, config
    )
    assert [record["epoch"] for record in history] == [0, 1, 2]
    assert history[1]["loss"] > history[2]["loss"]
    for name, parameter in model.named_parameters():
        assert not torch.equal(parameter, before[name]), name
    model.eval()
    out = model(solution.features, solution.adjacency.matrix)
    assert not torch.allclose(out, solution.logits(), atol=1e-3)


def test_finetune_restores_best_validation():
    solution, data = random_solution()
    model = SVDInitializedGCN.from_linear_solution(solution, hops=3, dropout=0.0)
    history = finetune(
        model,
        solution.features,
        solution.adjacency.matrix,
        data,
        FinetuneConfig(epochs=3, lr=1e-2),
    )
    best = max(history, key=lambda record: record["val"])  # first maximum wins ties
    model.eval()
    out = model(solution.features, solution.adjacency.matrix)
    assert accuracy(out, data.y, data.val_mask) == best["val"]


def test_finetune_keeps_first_tied_epoch(monkeypatch):
    # Every epoch reports the same validation accuracy, so none beats epoch 0 and the
    # initial weights are restored, although each step changed them.
    solution, data = random_solution()
    model = SVDInitializedGCN.from_linear_solution(solution, hops=3, dropout=0.0)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}

    def constant_accuracy(model, features, adjacency, data, epoch):
        return {"epoch": epoch, "train": 0.5, "val": 0.5, "test": 0.5}

    monkeypatch.setattr(deep, "evaluate", constant_accuracy)
    config = FinetuneConfig(epochs=3, lr=1e-2)
    history = finetune(
        model, solution.features, solution.adjacency.matrix, data, config
    )
    assert [record["epoch"] for record in history] == [0, 1, 2, 3]
    for name, parameter in model.named_parameters():
        assert torch.equal(parameter, before[name]), name


def test_finetune_first_step_is_adam():
    # Adam's first step moves each weight by lr * g / (|g| + eps), where g is the
    # gradient of the scaled cross-entropy plus weight_decay times the weight.
    solution, data = random_solution()
    model = SVDInitializedGCN.from_linear_solution(solution, hops=3, dropout=0.0)
    features, adjacency = solution.features, solution.adjacency.matrix
    config = FinetuneConfig(
        epochs=1, lr=1e-3, weight_decay=0.5, logit_scale=4.0, restore_best=False
    )
    names, parameters = zip(*model.named_parameters())
    logits = model(features, adjacency)[data.train_mask]
    loss = torch.nn.functional.cross_entropy(4.0 * logits, data.y[data.train_mask])
    gradients = torch.autograd.grad(loss, parameters)
    expected = {}
    for name, parameter, gradient in zip(names, parameters, gradients):
        decayed = gradient + 0.5 * parameter.detach()
        step = 1e-3 * decayed / (decayed.abs() + 1e-8)
        expected[name] = parameter.detach() - step
    history = finetune(model, features, adjacency, data, config)
    assert history[1]["loss"] == pytest.approx(loss.item(), rel=1e-6)
    for name, parameter in model.named_parameters():
        difference = (parameter.detach() - expected[name]).abs().max()
        assert difference < 1e-6, (name, float(difference))


def test_weight_shape_mismatch_raises():
    solution, _ = random_solution(hops=3)
    with pytest.raises(ValueError, match=r"expected \(hops \+ 1\) \* F = 12"):
        SVDInitializedGCN.from_linear_solution(solution, hops=2)


@pytest.mark.realdata
def test_cora_closed_form_accuracy(data_copy):
    data = load_dataset("cora", data_copy("graphs/planetoid"))
    solution = fit_linear_gcn(data, NodeClassConfig())
    logits = solution.logits()
    # Measured 0.832 with these defaults (seed 0); no gradient step is taken.
    assert accuracy(logits, data.y, data.test_mask) >= 0.80
    assert accuracy(logits, data.y, data.train_mask) >= 0.99


def test_features_without_pca_or_embedding():
    data = tiny_graph()
    config = NodeClassConfig(**{**TINY.__dict__, "pca_dim": 0, "wys_rank": 2})
    features = node_features(data.x, data.edge_index, config)
    assert features.shape == (40, 3 + 2 + 2)
    assert_close(features[:, :3], data.x)
    config = NodeClassConfig(**{**TINY.__dict__, "pca_dim": 2})
    features = node_features(data.x, data.edge_index, config)
    assert features.shape == (40, 2)
    assert_close(features.mean(0), torch.zeros(2), atol=1e-5, rtol=0)


def test_walk_embedding_factors_dense_walk_matrix():
    # At full rank U S^1/2 (V S^1/2)^T equals the random-walk matrix of node_features,
    # M = q_1 T + q_2 T^2 + q_3 T^3 - lambda (J - A), with the row-stochastic
    # T = D^-1 A, window weights q = (3, 2, 1) / 6 and J the all-ones matrix. M is not
    # symmetric here (degrees differ), so swapped factors give M^T instead.
    edge_index = torch.tensor([[0, 1, 2, 3, 1, 4], [1, 2, 3, 4, 4, 5]])
    n = 6
    adjacency = torch.zeros(n, n, dtype=torch.float64)
    adjacency[edge_index[0], edge_index[1]] = 1
    adjacency[edge_index[1], edge_index[0]] = 1
    transition = adjacency / adjacency.sum(1, keepdim=True)
    walk = sum(
        weight * torch.linalg.matrix_power(transition, power)
        for power, weight in [(1, 3 / 6), (2, 2 / 6), (3, 1 / 6)]
    )
    expected = walk - 0.05 * (torch.ones(n, n, dtype=torch.float64) - adjacency)

    x = torch.zeros(n, 1)
    config = NodeClassConfig(pca_dim=0, wys_rank=n, wys_window=3, wys_neg_coef=0.05)
    features = node_features(x, edge_index, config).double()
    assert features.shape == (n, 1 + 2 * n)
    left, right = features[:, 1 : 1 + n], features[:, 1 + n :]
    assert_close(left @ right.T, expected, atol=1e-5, rtol=0)
    # Both factors carry S^1/2, so their Gram matrices are both diag(S).
    singular_values = torch.linalg.svdvals(expected)
    assert_close(left.T @ left, torch.diag(singular_values), atol=1e-5, rtol=0)
    assert_close(right.T @ right, torch.diag(singular_values), atol=1e-5, rtol=0)

    # With the PCA the embedding follows the principal components of [X, embedding].
    config = NodeClassConfig(pca_dim=3, wys_rank=n, wys_window=3, wys_neg_coef=0.05)
    reduced = node_features(x, edge_index, config).double()
    assert reduced.shape == (n, 3 + 2 * n)
    assert_close(reduced[:, 3:], features[:, 1:])
    assert_close(reduced[:, :3], pca(features.float(), 3).double())


def test_pca_matches_sklearn():
    # Columns with nonzero means: PCA projects the centred rows, up to each
    # component's sign.
    generator = torch.Generator().manual_seed(5)
    x = torch.randn(30, 5, generator=generator, dtype=torch.float64) * 2 + 3
    expected = torch.from_numpy(PCA(n_components=3).fit_transform(x.numpy()))
    got = pca(x, 3)
    signs = torch.sign((got * expected).sum(0))
    assert_close(got * signs, expected)


def test_accuracy_counts_masked_nodes_only():
    # Predictions 0, 1, 1, 0 against labels 0, 1, 0, 0: 3 of 4 correct overall,
    # but only node 0 of the masked nodes 0 and 2.
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 4.0], [5.0, 0.0]])
    labels = torch.tensor([[0], [1], [0], [0]])
    mask = torch.tensor([True, False, True, False])
    assert accuracy(logits, labels, mask) == 0.5
    assert accuracy(logits, labels, ~mask) == 1.0
