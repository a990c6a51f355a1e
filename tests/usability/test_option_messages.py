"""Configuration errors name the value and the option that fixes it.

The option is spelled as the caller wrote it: a field name from Python, a flag from
the command line.
"""

from __future__ import annotations

import pytest
import torch

from graphkit.graph import LocalGraph
from graphkit.nn import GNN
from graphkit.nn.norm import GraphBatchNorm
from graphkit.nn.pgcn import PGCNConv
from graphkit.option_names import command_line_options
from graphkit.train.config import TrainConfig


class TwoPartitionGraph(LocalGraph):
    """A one-process graph that reports itself as one of two partitions."""

    @property
    def world_size(self) -> int:
        return 2


def _one_node_graph() -> LocalGraph:
    return LocalGraph(torch.zeros(2, 0, dtype=torch.long), 1)


def test_gat_width_python_wording():
    with pytest.raises(ValueError) as error:
        GNN("gat", 8, 30, 3, num_layers=2, heads=4)
    assert str(error.value) == (
        "invalid hidden width 30 for heads=4: GAT splits the hidden width over its "
        "heads, so set hidden_channels (hidden in TrainConfig) to a multiple of 4 or "
        "change heads"
    )


def test_gat_width_cli_wording():
    with command_line_options(), pytest.raises(ValueError) as error:
        GNN("gat", 8, 30, 3, num_layers=2, heads=4)
    assert str(error.value) == (
        "invalid hidden width 30 for --heads 4: GAT splits the hidden width over its "
        "heads, so set --hidden to a multiple of 4 or change --heads"
    )


def test_gat_width_from_train_command():
    from graphkit.launch.cli import main

    with pytest.raises(ValueError) as error:
        main(["train", "--model", "gat", "--hidden", "30", "--heads", "4", "--epochs", "1"])
    assert str(error.value).startswith("invalid hidden width 30 for --heads 4: GAT")
    assert "so set --hidden to a multiple of 4 or change --heads" in str(error.value)


def test_batch_norm_one_node_python_wording():
    norm = GraphBatchNorm(3)
    with pytest.raises(ValueError) as error:
        norm(torch.ones(1, 3), _one_node_graph())
    assert str(error.value).endswith("use norm='layer' or norm='none' for such a graph")


def test_batch_norm_one_node_cli_wording():
    norm = GraphBatchNorm(3)
    with command_line_options(), pytest.raises(ValueError) as error:
        norm(torch.ones(1, 3), _one_node_graph())
    assert str(error.value).endswith("use --norm layer or --norm none for such a graph")


def test_pgcn_partitions_python_wording():
    graph = TwoPartitionGraph(torch.tensor([[0], [1]]), 2)
    with pytest.raises(RuntimeError) as error:
        PGCNConv(4, 4)(torch.ones(2, 4), graph)
    assert str(error.value) == (
        "PGCNConv attends over all nodes, but this graph is one of 2 partitions. Train "
        "model='pgcn' in one process (without partitions, torchrun or mpiexec)"
    )


def test_pgcn_partitions_cli_wording():
    graph = TwoPartitionGraph(torch.tensor([[0], [1]]), 2)
    with command_line_options(), pytest.raises(RuntimeError) as error:
        PGCNConv(4, 4)(torch.ones(2, 4), graph)
    assert str(error.value) == (
        "PGCNConv attends over all nodes, but this graph is one of 2 partitions. Train "
        "--model pgcn in one process (without --partitions, torchrun or mpiexec)"
    )


@pytest.mark.parametrize("name", ["checkpoint_every", "patience"])
def test_negative_counter_names_value(name):
    with pytest.raises(ValueError, match=rf"{name} must be >= 0 .*got -2"):
        TrainConfig(**{name: -2})
