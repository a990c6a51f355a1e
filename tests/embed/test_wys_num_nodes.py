"""wys_matrix checks num_nodes before comparing negative_rank with it."""

import pytest
import torch

from graphkit.embed.wys import wys_matrix

EDGES = torch.tensor([[0, 1], [1, 2]])


def test_bool_num_nodes_named_before_rank():
    # num_nodes=True used to reach the rank check and be reported as "True nodes".
    with pytest.raises(TypeError, match=r"num_nodes must be an int, got True"):
        wys_matrix(EDGES, True, negative_rank=5)


def test_tensor_num_nodes_in_rank_error():
    with pytest.raises(ValueError, match=r"negative_rank=5 is invalid for 3 nodes"):
        wys_matrix(EDGES, torch.tensor(3), negative_rank=5)
