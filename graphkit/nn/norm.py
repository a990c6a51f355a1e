"""Batch normalisation whose statistics cover every node of the graph."""

from __future__ import annotations

import math
import numbers

import torch
from torch import Tensor, nn

from graphkit.graph import Graph, check_graph
from graphkit.option_names import option
from graphkit.whole_numbers import WrongTypeError


class GraphBatchNorm(nn.Module):
    """Batch norm over all nodes, also when they are spread over partitions.

    .. math::
        \\mu = \\frac{1}{N} \\sum_i x_i, \\quad \\sigma^2 = \\frac{1}{N} \\sum_i
        (x_i - \\mu)^2, \\quad x'_i = \\gamma \\frac{x_i - \\mu}{\\sqrt{\\sigma^2 +
        \\epsilon}} + \\beta

    The sums go through :meth:`Graph.node_sum`, which adds over all partitions, so a
    distributed run normalises with the same global statistics as one process. Running
    statistics follow ``torch.nn.BatchNorm1d`` (unbiased variance, momentum 0.1), and so
    does the state dict: a ``BatchNorm1d`` state dict loads with ``strict=True``.

    Args:
        channels (int): feature width ``F``.
        eps (float, optional): added to the variance, finite and >= 0. Default ``1e-5``.
        momentum (float | None, optional): weight of the new batch in the running
            statistics, in ``[0, 1]``. ``None`` uses the cumulative average, weight
            ``1 / num_batches_tracked``. Default ``0.1``.

    Shapes:
        ``x`` ``[N, F]`` to ``[N, F]``.
    """

    # Version 2 added the num_batches_tracked buffer.
    _version = 2

    def __init__(
        self, channels: int, eps: float = 1e-5, momentum: float | None = 0.1
    ) -> None:
        super().__init__()
        _check_eps_and_momentum(eps, momentum)
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def reset_running_stats(self) -> None:
        """Zero the running mean and ``num_batches_tracked``, and set the running variance to 1."""
        self.running_mean.zero_()
        self.running_var.fill_(1)
        self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics and set the weight to 1 and the bias to 0."""
        self.reset_running_stats()
        nn.init.ones_(self.weight)
        nn.init.zeros_(self.bias)

    def extra_repr(self) -> str:
        return f"{self.weight.numel()}, eps={self.eps}, momentum={self.momentum}"

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args) -> None:
        # State dicts saved before version 2 lack the counter, so they load with a zero count.
        version = local_metadata.get("version", None)
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and key not in state_dict:
            state_dict[key] = torch.tensor(0, dtype=torch.long)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    def forward(self, x: Tensor, graph: Graph) -> Tensor:
        check_graph(graph, "GraphBatchNorm")
        channels = self.weight.numel()
        if x.dim() != 2 or x.size(1) != channels:
            raise ValueError(
                f"GraphBatchNorm({channels}) got x of shape {list(x.shape)}. Pass "
                f"[N, {channels}] features or build the norm with the features' width"
            )
        # The statistics divide sums over the rows of x by the graph's node count, so
        # rows of other nodes would give a wrong mean and variance without an error.
        num_nodes = getattr(graph, "num_nodes", None)
        if num_nodes is not None and x.size(0) != num_nodes:
            raise ValueError(
                f"GraphBatchNorm({channels}) got x with {x.size(0)} rows, but the graph "
                f"has {num_nodes} nodes. Pass one row per node of the graph"
            )
        # float16 sums overflow at 65504, so the mean of a few thousand nodes would be
        # inf. The statistics are computed in float32 or wider, as torch's BatchNorm1d
        # does for half-precision inputs, and the output is cast back.
        wide = torch.promote_types(x.dtype, torch.float32)
        features = x.to(wide)
        if not self.training:
            mean, var = self.running_mean.to(wide), self.running_var.to(wide)
        else:
            n = graph.num_global_nodes
            if n < 2:
                # torch.nn.BatchNorm1d raises here too. The batch variance needs two
                # values, so the running statistics would drift to 0 (one node) or NaN.
                raise ValueError(
                    f"GraphBatchNorm needs at least 2 nodes in training mode, but the "
                    f"graph has {n}. Call .eval() to use the running statistics, or "
                    f"use {option('norm', 'layer')} or {option('norm', 'none')} for such "
                    "a graph"
                )
            mean = graph.node_sum(features) / n
            var = graph.node_sum((features - mean) ** 2) / n
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                if self.momentum is None:
                    factor = 1.0 / float(self.num_batches_tracked)
                else:
                    factor = self.momentum
                unbiased = var * n / max(n - 1, 1)
                buffer_dtype = self.running_mean.dtype
                self.running_mean.lerp_(mean.detach().to(buffer_dtype), factor)
                self.running_var.lerp_(unbiased.detach().to(buffer_dtype), factor)
        normalized = (features - mean) / torch.sqrt(var + self.eps)
        return (normalized * self.weight + self.bias).to(x.dtype)


def _check_eps_and_momentum(eps: float, momentum: float | None) -> None:
    """Raise for values that would give a wrong result without an error.

    ``torch.nn.BatchNorm1d`` checks neither (torch 2.13). A negative ``eps`` shrinks
    the variance, so features are scaled up, and a momentum outside ``[0, 1]``
    extrapolates past the batch statistics, which only the running statistics of eval
    mode show. A bool would pass as 0 or 1, so it raises WrongTypeError, as does any
    other value that is not a real number.
    """
    eps_message = (
        f"GraphBatchNorm eps={eps!r} is invalid. Pass a finite number >= 0 to add "
        "to the variance, such as 1e-5"
    )
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise WrongTypeError(eps_message)
    if not (math.isfinite(eps) and eps >= 0):
        raise ValueError(eps_message)
    if momentum is None:
        return
    momentum_message = (
        f"GraphBatchNorm momentum={momentum!r} is invalid. Pass the weight of the "
        "new batch in the running statistics, between 0 and 1 (such as 0.1), or "
        "None for the cumulative average"
    )
    if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
        raise WrongTypeError(momentum_message)
    # NaN fails this comparison too.
    if not 0 <= momentum <= 1:
        raise ValueError(momentum_message)
