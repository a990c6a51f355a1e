"""Non-finite weights of the random-walk matrix are rejected before any SVD."""

from __future__ import annotations

import argparse
import math

import pytest
import torch
from graphkit.launch import cmd_isvd

from graphkit.embed.linkpred import LinkPredictionConfig
from graphkit.embed.nodeclass import NodeClassConfig
from graphkit.embed.wys import wys_matrix
from graphkit.whole_numbers import WrongTypeError

EDGES = torch.tensor([[0, 1], [1, 2]])


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_configs_reject_non_finite_negative_weight(value):
    with pytest.raises(ValueError, match="neg_coef must be a finite number"):
        LinkPredictionConfig(neg_coef=value)
    with pytest.raises(ValueError, match="wys_neg_coef must be a finite number"):
        NodeClassConfig(wys_neg_coef=value)
    with pytest.raises(ValueError, match="neg_coef must be a finite number"):
        wys_matrix(EDGES, 3, neg_coef=value)


@pytest.mark.parametrize("value", [True, "0.1", None, torch.tensor(0.1)], ids=repr)
def test_wys_rejects_wrong_type_negative_weight(value):
    # True would silently weigh the negative term by 1.
    with pytest.raises(WrongTypeError, match="neg_coef must be a real number, got"):
        wys_matrix(EDGES, 3, neg_coef=value)


@pytest.mark.parametrize("weights", [[], [0.5, math.nan]])
def test_wys_rejects_invalid_walk_weights(weights):
    with pytest.raises(ValueError, match="weights must be a non-empty list"):
        wys_matrix(EDGES, 3, weights=weights)


def test_zero_negative_weight_allowed():
    # lambda = 0 leaves only the walk term, whose first row is q_1 T[0] D^1/2.
    matrix = wys_matrix(EDGES, 3, neg_coef=0.0, weights=[1.0]).to_dense()
    assert matrix[0].tolist() == pytest.approx([0.0, 1.0, 0.0])


def test_linkpred_command_rejects_nan_before_loading(tmp_path):
    # The root is empty, so an error naming the data would mean the option passed.
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["isvd", "linkpred", "--dataset", "ppi", "--root", str(tmp_path)]
        + ["--neg-coef", "nan"]
    )
    with pytest.raises(ValueError, match="neg_coef must be a finite number, got nan"):
        args.func(args)
