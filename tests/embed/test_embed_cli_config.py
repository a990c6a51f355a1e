"""Each ``graphkit isvd`` option reaches the config of the run it starts.

The runs stop at the first call that receives the config, so these tests check the
command's translation of options only.
"""

from __future__ import annotations

import argparse

import numpy as np
import pytest
import torch
from graphkit.launch import cmd_isvd

from graphkit.embed import deep, linkpred, nodeclass
from graphkit.embed.deep import FinetuneConfig, SVDInitializedGCN
from graphkit.embed.linkpred import LinkPredictionConfig
from graphkit.embed.nodeclass import NodeClassConfig


class _Captured(Exception):
    """Raised by a patched function once it has recorded its arguments."""


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def _capture(store: dict, key: str):
    def record(*args, **kwargs):
        store[key] = (args, kwargs)
        raise _Captured

    return record


def test_linkpred_options_reach_config(tmp_path, monkeypatch):
    folder = tmp_path / "asymproj" / "ppi"
    folder.mkdir(parents=True)
    pairs = np.array([[0, 1], [1, 2], [2, 3], [3, 0]], dtype=np.int32)
    for name in ("train", "test", "test.neg"):
        np.save(folder / f"{name}.txt.npy", pairs)
    calls: dict = {}
    monkeypatch.setattr(linkpred, "run_link_prediction", _capture(calls, "run"))
    argv = ["isvd", "linkpred", "--dataset", "ppi", "--root", str(tmp_path)]
    argv += ["--rank", "3", "--window", "4", "--neg-coef", "0.5", "--iters", "7"]
    argv += ["--orthonormalizer", "cholesky", "--seed", "9", "--float64"]
    with pytest.raises(_Captured):
        _run(argv)
    (_, config), _ = calls["run"]
    expected = LinkPredictionConfig(
        rank=3,
        window=4,
        neg_coef=0.5,
        n_iter=7,
        orthonormalizer="cholesky",
        seed=9,
        dtype=torch.float64,
    )
    assert config == expected


SYNTHETIC = ["--dataset", "synthetic", "--dataset-options"]
SYNTHETIC += ["{num_nodes: 60, num_classes: 3, num_features: 4, avg_degree: 4}"]


def test_nodeclass_options_reach_config(monkeypatch):
    calls: dict = {}
    monkeypatch.setattr(nodeclass, "fit_linear_gcn", _capture(calls, "fit"))
    argv = ["isvd", "nodeclass", *SYNTHETIC, "--hops", "3", "--wys-rank", "5"]
    argv += ["--pca-dim", "7", "--svd-rank", "11", "--oversample", "2"]
    argv += ["--iters", "4", "--dropout-copies", "2", "--seed", "5"]
    with pytest.raises(_Captured):
        _run(argv)
    (_, config), _ = calls["fit"]
    expected = NodeClassConfig(
        hops=3,
        wys_rank=5,
        pca_dim=7,
        svd_rank=11,
        oversample=2,
        n_iter=4,
        dropout_copies=2,
        seed=5,
    )
    assert config == expected


@pytest.mark.parametrize(
    "heads_only, train_propagation", [(False, True), (True, False)]
)
def test_nodeclass_finetune_options(monkeypatch, heads_only, train_propagation):
    calls: dict = {}
    monkeypatch.setattr(deep, "finetune", _capture(calls, "finetune"))
    build = SVDInitializedGCN.from_linear_solution.__func__

    def record_build(cls, solution, hops, train_propagation):
        calls["build"] = (hops, train_propagation)
        return build(cls, solution, hops, train_propagation=train_propagation)

    monkeypatch.setattr(
        SVDInitializedGCN, "from_linear_solution", classmethod(record_build)
    )
    argv = ["isvd", "nodeclass", *SYNTHETIC, "--hops", "2", "--wys-rank", "0"]
    argv += ["--pca-dim", "0", "--svd-rank", "8", "--oversample", "2"]
    argv += ["--finetune-epochs", "3", "--lr", "0.05"]
    argv += ["--heads-only"] if heads_only else []
    with pytest.raises(_Captured):
        _run(argv)
    assert calls["build"] == (2, train_propagation)
    (_, _, _, _, config), _ = calls["finetune"]
    assert config == FinetuneConfig(epochs=3, lr=0.05)
