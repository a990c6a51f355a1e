"""The error for too few training rows names the largest oversample that fits."""

import re

import pytest
import torch
from graphkit.launch.cli import main
from torch_geometric.data import Data

from graphkit.embed.nodeclass import NodeClassConfig, fit_linear_gcn


def ring_with_training_nodes(count: int) -> Data:
    """Build a 12-node cycle with three classes and ``count`` training nodes."""
    n = 12
    ring = torch.arange(n)
    train_mask = torch.zeros(n, dtype=torch.bool)
    train_mask[:count] = True
    return Data(
        x=torch.randn(n, 3, generator=torch.Generator().manual_seed(0)),
        edge_index=torch.stack([ring, (ring + 1) % n]),
        y=ring % 3,
        train_mask=train_mask,
    )


def test_error_names_largest_oversample():
    # 4 training nodes and one dropout copy each give 8 rows, so oversample=3 fits.
    config = NodeClassConfig(hops=1, wys_rank=0, pca_dim=0, n_iter=2)
    message = (
        "8 training rows (with their dropout copies) are too few for oversample=20, "
        "because the classifier SVD keeps at most rows - oversample - 4 singular "
        "vectors. Pass oversample=3 or lower, or add training nodes"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fit_linear_gcn(ring_with_training_nodes(4), config)


def test_named_oversample_fits():
    config = NodeClassConfig(hops=1, wys_rank=0, pca_dim=0, n_iter=2, oversample=3)
    solution = fit_linear_gcn(ring_with_training_nodes(4), config)
    assert solution.weight.shape == (6, 3)
    assert bool(torch.isfinite(solution.weight).all())


def test_too_few_rows_for_any_oversample():
    # 2 training nodes give 4 rows, fewer than the 5 that rank 1 needs.
    config = NodeClassConfig(hops=1, wys_rank=0, pca_dim=0, n_iter=2, oversample=0)
    with pytest.raises(
        ValueError, match="oversample=0, because .* vectors. Add training nodes$"
    ):
        fit_linear_gcn(ring_with_training_nodes(2), config)


def test_cli_oversample_option(tmp_path, capsys):
    n = 30
    edges = "".join(f"{i}\t{(i + 1) % n}\n" for i in range(n))
    (tmp_path / "edges.txt").write_text(edges)
    (tmp_path / "x.txt").write_text("".join(f"{i}\t{i % 3}\t1.0\n" for i in range(n)))
    # 10 labelled nodes, so the random 60/20/20 split trains on 6 of them.
    labels = "".join(f"{i}\t{i % 3 if i < 10 else -1}\n" for i in range(n))
    (tmp_path / "y.txt").write_text(labels)
    options = (
        f"{{path: {tmp_path / 'edges.txt'}, features: {tmp_path / 'x.txt'}, "
        f"labels: {tmp_path / 'y.txt'}}}"
    )
    argv = ["isvd", "nodeclass", "--dataset", "edge-list", "--dataset-options", options]
    argv += ["--hops", "1", "--wys-rank", "0", "--pca-dim", "0", "--iters", "2"]
    with pytest.raises(ValueError, match="too few for --oversample 20") as error:
        main(argv)
    largest = re.search(r"Pass --oversample (\d+) or lower", str(error.value))
    assert largest is not None
    assert main([*argv, "--oversample", largest.group(1)]) == 0
    assert "closed-form test accuracy" in capsys.readouterr().out
