"""A link-prediction rank above the node count names the option and its max."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Data

from graphkit.embed.linkpred import LinkPredictionConfig, run_link_prediction
from graphkit.option_names import command_line_options


def four_node_cycle() -> Data:
    return Data(
        train_pos_edge_index=torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]]),
        test_pos_edge_index=torch.tensor([[0], [2]]),
        test_neg_edge_index=torch.tensor([[1], [3]]),
        num_nodes=4,
    )


def test_rank_above_nodes_python():
    with pytest.raises(ValueError) as error:
        run_link_prediction(four_node_cycle(), LinkPredictionConfig(rank=32))
    message = str(error.value)
    assert message.startswith("rank=32 is larger than the max rank 4")
    assert "Lower rank to at most 4" in message
    assert "set it to 0" in message


def test_rank_above_nodes_flag():
    with command_line_options(), pytest.raises(ValueError) as error:
        run_link_prediction(four_node_cycle(), LinkPredictionConfig(rank=5))
    message = str(error.value)
    assert message.startswith("--rank 5 is larger than the max rank 4")
    assert "Lower --rank to at most 4" in message


def test_rank_equal_nodes_runs():
    result = run_link_prediction(four_node_cycle(), LinkPredictionConfig(rank=4))
    assert result.rank == 4
