"""propagate names the shape a message function returned and the one it needs.

Without the check, a message with the wrong number of rows would fail inside the
scatter with torch's "The expanded size of the tensor (1) must match the existing size
(3)", and a scalar message with "The `dim` argument must lay between 0 and -1".
"""

import pytest
import torch
from graphkit.graph import LocalGraph

EDGE_INDEX = torch.tensor([[0, 1, 2], [1, 2, 0]])
X = torch.randn(3, 2)
BAD_MESSAGES = {
    "first row": (lambda x_j, x_i, e: x_j[:1], r"a tensor of shape \[1, 2\]"),
    "scalar": (lambda x_j, x_i, e: x_j.sum(), r"a tensor of shape \[\]"),
    "tuple": (lambda x_j, x_i, e: (x_j, x_i), "a tuple"),
}


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("case", sorted(BAD_MESSAGES))
def test_bad_message_named(case, fast):
    message, found = BAD_MESSAGES[case]
    graph = LocalGraph(EDGE_INDEX, 3, fast=fast)
    expected = (
        f"the message function returned {found}, but propagate needs one message "
        r"per edge: a tensor of shape \[3, ...\] for these 3 edges"
    )
    with pytest.raises(ValueError, match=expected):
        graph.propagate(message, X, "sum")


def test_edge_message_accepted():
    graph = LocalGraph(EDGE_INDEX, 3)
    out = graph.propagate(lambda x_j, x_i, e: (x_j * x_i).sum(-1), X, "sum")
    assert torch.allclose(out, (X[[2, 0, 1]] * X).sum(-1))
