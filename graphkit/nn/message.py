"""Generic message-passing layers: a user message function and an associative reduction."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphkit.graph import Graph, check_graph, check_reduce, check_tensor_input
from graphkit.nn.conv import check_module_dtype
from graphkit.nn.reset import reset_module


class MessagePassingLayer(nn.Module):
    """Message passing with a learned message function.

    .. math::
        x'_i = \\mathrm{reduce}_{j \\in \\mathcal{N}(i)}\\ \\phi(x_j, x_i, e_{ji})

    Args:
        message (nn.Module): called as ``message(x_j, x_i, edge_attr)`` on ``[E, *]``
            tensors; returns ``[E, F']``. It must be deterministic, because the
            distributed graph recomputes it in the backward pass.
        reduce (str): ``sum``, ``mean``, ``max`` or ``min``. (default: ``"sum"``)
    """

    def __init__(self, message: nn.Module, reduce: str = "sum") -> None:
        super().__init__()
        check_reduce(reduce)
        self.message, self.reduce = message, reduce

    def reset_parameters(self) -> None:
        """Reset ``message`` (see :func:`~graphkit.nn.reset.reset_module`)."""
        reset_module(self.message)

    def extra_repr(self) -> str:
        return f"reduce={self.reduce!r}"

    def forward(self, x: Tensor, graph: Graph) -> Tensor:
        check_graph(graph, "MessagePassingLayer")
        check_tensor_input(x, "MessagePassingLayer")
        return graph.propagate(self.message, x, self.reduce)


class EdgeConv(nn.Module):
    """Edge convolution (Wang et al., 2019, https://arxiv.org/abs/1801.07829).

    .. math::
        x'_i = \\max_{j \\in \\mathcal{N}(i)} h_\\Theta(x_i \\Vert x_j - x_i)

    Args:
        nn (nn.Module): maps ``[E, 2F]`` to ``[E, F']``.
        reduce (str): reduction. (default: ``"max"``)
    """

    def __init__(self, nn: nn.Module, reduce: str = "max") -> None:
        super().__init__()
        check_reduce(reduce)
        self.nn, self.reduce = nn, reduce

    def reset_parameters(self) -> None:
        """Reset ``nn`` (see :func:`~graphkit.nn.reset.reset_module`)."""
        reset_module(self.nn)

    def extra_repr(self) -> str:
        return f"reduce={self.reduce!r}"

    def message(self, x_j: Tensor, x_i: Tensor, edge_attr: Tensor | None) -> Tensor:
        return self.nn(torch.cat([x_i, x_j - x_i], dim=-1))

    def forward(self, x: Tensor, graph: Graph) -> Tensor:
        check_graph(graph, "EdgeConv")
        check_tensor_input(x, "EdgeConv")
        check_module_dtype(x, self.nn, "EdgeConv")
        # A bound method: the graph finds the parameters through ``message.__self__``.
        return graph.propagate(self.message, x, self.reduce)
