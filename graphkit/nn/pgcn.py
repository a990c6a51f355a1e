"""Permutohedral-GCN layer: local graph convolution plus global Gaussian attention.

Mostafa and Nassar, Permutohedral-GCN (2020, https://arxiv.org/abs/2003.00635). Every node attends to every node
of the graph with weights that decay with the distance between learned embeddings, and
this sum is a Gaussian filter computed by the permutohedral lattice
(:mod:`graphkit.lattice`) in time linear in the number of nodes.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphkit.graph import Graph, check_graph, check_tensor_input
from graphkit.lattice import PermutohedralLattice, dense_gaussian_filter
from graphkit.nn.conv import check_module_dtype
from graphkit.option_names import option
from graphkit.whole_numbers import WrongTypeError, as_whole_number


class PGCNConv(nn.Module):
    """Graph convolution with ``heads`` global Gaussian-attention heads and a learned mix.

    .. math::
        u = X W, \\qquad z^h_i = E^h x_i, \\qquad
        g^h_i = \\frac{\\sum_j \\exp(-\\tfrac12 \\lVert z^h_i - z^h_j \\rVert^2)\\,
        u_j}{\\sum_j \\exp(-\\tfrac12 \\lVert z^h_i - z^h_j \\rVert^2)}

    .. math::
        x'_i = W_r x_i + a_0 \\big(\\hat D^{-1/2} \\hat A \\hat D^{-1/2} u\\big)_i
        + \\sum_{h=1}^{H} a_h g^h_i + b, \\qquad a = \\mathrm{softmax}(m)

    The sums over ``j`` run over all nodes. The heads share the transformed features
    ``u`` with the local aggregation and differ in their embeddings :math:`E^h`, which
    also set the kernel width, so no separate bandwidth is learned.

    NOTE: the combination (a root term plus a softmax mix of one GCN aggregation and the
    heads) is this library's design and was not checked against the paper.

    Args:
        in_channels (int): input features per node.
        out_channels (int): output features per node.
        heads (int): global attention heads, each with its own embedding. (default: ``2``)
        embed_dim (int): dimension ``d`` of each head's embedding; the lattice costs
            ``O(n d^2)``. (default: ``4``)
        root_weight (bool): add the node's own transformed features. (default: ``True``)
        exact (bool): compute the global attention densely (``O(n^2)`` time and memory)
            instead of with the lattice; for tests and small graphs. (default: ``False``)

    Shapes:
        ``x``: ``[N, in_channels]`` -> ``[N, out_channels]``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        heads: int = 2,
        embed_dim: int = 4,
        root_weight: bool = True,
        exact: bool = False,
    ) -> None:
        super().__init__()
        counts = []
        for name, value in (("heads", heads), ("embed_dim", embed_dim)):
            # True would pass as 1, and 2.5 would fail later inside nn.Linear or range.
            count = as_whole_number(value)
            if count is None:
                raise WrongTypeError(
                    f"{name} must be an int, got {value!r} of type {type(value).__name__}"
                )
            counts.append(count)
        heads, embed_dim = counts
        if heads < 1 or embed_dim < 1:
            raise ValueError(
                f"heads and embed_dim must be at least 1, got heads={heads}, embed_dim={embed_dim}"
            )
        self.heads, self.embed_dim, self.out_channels = heads, embed_dim, out_channels
        self.exact = exact
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.lin_embed = nn.Linear(in_channels, heads * embed_dim, bias=False)
        self.lin_root = (
            nn.Linear(in_channels, out_channels, bias=False) if root_weight else None
        )
        self.mix_logits = nn.Parameter(torch.zeros(heads + 1))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new Glorot-uniform weights and set the mixing logits and bias to 0."""
        for lin in (self.lin, self.lin_embed, self.lin_root):
            if lin is not None:
                nn.init.xavier_uniform_(lin.weight)
        nn.init.zeros_(self.mix_logits)
        nn.init.zeros_(self.bias)

    def extra_repr(self) -> str:
        return (
            f"{self.lin.in_features}, {self.out_channels}, heads={self.heads}, "
            f"embed_dim={self.embed_dim}, exact={self.exact}"
        )

    def global_attention(self, x: Tensor, values: Tensor) -> Tensor:
        """Return the ``[N, heads, C]`` outputs of the global heads for ``[N, C]`` values."""
        positions = self.lin_embed(x).view(x.size(0), self.heads, self.embed_dim)
        if x.size(0) == 0:
            # A lattice needs at least one point, so a graph without nodes returns no rows
            # here. Adding the empty sum (0) gives lin_embed a zero gradient, as in exact mode.
            empty = values.new_zeros(0, self.heads, values.size(1))
            return empty + positions.sum()
        # The filters take float32 or float64 only. Under autocast the linear layers
        # return 16-bit tensors, so the heads run in float32 with autocast off, and
        # their output is cast back to the dtype of the values.
        dtype = torch.promote_types(values.dtype, torch.float32)
        outputs = []
        with torch.autocast(x.device.type, enabled=False):
            head_values = values.to(dtype)
            for h in range(self.heads):
                head_positions = positions[:, h].to(dtype)
                if self.exact:
                    out = dense_gaussian_filter(head_positions, head_values)
                else:
                    out = lattice_of_head(x, head_positions, h).filter(head_values)
                outputs.append(out)
        return torch.stack(outputs, 1).to(values.dtype)

    def forward(self, x: Tensor, graph: Graph) -> Tensor:
        check_graph(graph, "PGCNConv")
        if graph.world_size > 1:
            raise RuntimeError(
                f"PGCNConv attends over all nodes, but this graph is one of "
                f"{graph.world_size} partitions. Train {option('model', 'pgcn')} in one "
                f"process (without {option('partitions')}, torchrun or mpiexec)"
            )
        check_tensor_input(x, "PGCNConv")
        check_module_dtype(x, self, "PGCNConv")
        mix = torch.softmax(self.mix_logits, 0)
        values = self.lin(x)
        out = mix[0] * graph.gcn_aggregate(values)
        out = out + (mix[1:].view(1, -1, 1) * self.global_attention(x, values)).sum(1)
        if self.lin_root is not None:
            out = out + self.lin_root(x)
        return out + self.bias


def lattice_of_head(x: Tensor, positions: Tensor, head: int) -> PermutohedralLattice:
    """Build the lattice of one head's embeddings ``positions`` ``[N, d]`` of ``x``.

    Raises:
        FloatingPointError: the embeddings are NaN, infinite or too large to place on
            the lattice. The trainer handles this error as a diverged run, as it
            handles a NaN loss, so it keeps the weights of the best epoch.
    """
    finite = torch.isfinite(positions)
    if not bool(finite.all()):
        node = int((~finite).nonzero()[0, 0])
        features = torch.isfinite(x) if x.is_floating_point() else None
        if features is not None and not bool(features.all()):
            row, column = (~features).nonzero()[0].tolist()
            raise FloatingPointError(
                f"PGCNConv: the layer's input x (the node features in a first layer) "
                f"contains {int((~features).sum())} NaN or infinite values (first at "
                f"node {row}, column {column}), so the attention embeddings of head "
                f"{head} are not finite. Replace or impute NaN features before training"
            )
        raise FloatingPointError(
            f"PGCNConv: the attention embeddings of head {head} (lin_embed(x)) are NaN "
            f"or infinite at node {node}, although the layer's input x is finite, so "
            "the layer's weights are NaN, infinite or too large and training diverged. "
            "Lower the learning rate, and check the weights of a resumed checkpoint "
            "for NaN"
        )
    try:
        return PermutohedralLattice(positions)
    except ValueError as error:
        # The positions are finite and not empty, so the lattice rejected their size.
        largest = float(positions.detach().abs().max())
        raise FloatingPointError(
            f"PGCNConv: the attention embeddings of head {head} (lin_embed(x)) reach "
            f"{largest:.3g}, too large to place on the lattice in {positions.dtype}, "
            "so training diverged or the features are very large. Lower the learning "
            "rate or scale the node features down"
        ) from error


def pgcn_layer(in_channels: int, out_channels: int, last: bool, spec) -> PGCNConv:
    """Layer factory for ``MODELS["pgcn"]``: ``spec.heads`` heads of embedding size 4."""
    return PGCNConv(in_channels, out_channels, heads=spec.heads)
