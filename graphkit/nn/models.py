"""Model stacks: layers of one kind with dropout, normalisation and residual connections."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable

import torch.nn.functional as F
from torch import Tensor, nn

from graphkit.graph import Graph, check_graph, check_layer_input
from graphkit.hints import did_you_mean
from graphkit.nn.activation import relu_dropout
from graphkit.nn.bernoulli_noise import dropout
from graphkit.nn.conv import GATConv, GCNConv, GINConv, SAGEConv, check_module_dtype
from graphkit.nn.message import EdgeConv
from graphkit.nn.norm import GraphBatchNorm
from graphkit.nn.pgcn import pgcn_layer
from graphkit.nn.reset import reset_module
from graphkit.option_names import from_command_line, option
from graphkit.whole_numbers import WrongTypeError, as_whole_number


@dataclass(frozen=True)
class LayerSpec:
    """Options a layer factory may read besides its input and output widths."""

    heads: int = 4
    attention_dropout: float = 0.0


def _mlp(in_channels: int, out_channels: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(in_channels, out_channels), nn.ReLU(), nn.Linear(out_channels, out_channels)
    )


def _gat(in_channels: int, out_channels: int, last: bool, spec: LayerSpec) -> nn.Module:
    if last:  # one averaged head produces the logits, as in the GAT paper's Cora model
        return GATConv(in_channels, out_channels, heads=1, concat=False,
                       dropout=spec.attention_dropout)
    if out_channels % spec.heads:
        # A Python caller sets the width as GNN's hidden_channels or TrainConfig's hidden.
        hidden = (option("hidden") if from_command_line()
                  else "hidden_channels (hidden in TrainConfig)")
        raise ValueError(
            f"invalid hidden width {out_channels} for {option('heads', spec.heads)}: GAT "
            f"splits the hidden width over its heads, so set {hidden} to a multiple of "
            f"{spec.heads} or change {option('heads')}"
        )
    return GATConv(in_channels, out_channels // spec.heads, heads=spec.heads,
                   dropout=spec.attention_dropout)


class _Linear(nn.Module):
    """A per-node linear layer with the layer signature, for the MLP baseline."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.lin = nn.Linear(in_channels, out_channels)

    def reset_parameters(self) -> None:
        self.lin.reset_parameters()

    def forward(self, x: Tensor, graph: Graph) -> Tensor:
        return self.lin(x)


LayerFactory = Callable[[int, int, bool, LayerSpec], nn.Module]

#: Layer factories by model name. Other modules add entries (e.g. ``pgcn``).
MODELS: dict[str, LayerFactory] = {
    "gcn": lambda i, o, last, spec: GCNConv(i, o),
    "sage": lambda i, o, last, spec: SAGEConv(i, o, "mean"),
    "sage-max": lambda i, o, last, spec: SAGEConv(i, o, "max"),
    "gat": _gat,
    "gin": lambda i, o, last, spec: GINConv(_mlp(i, o)),
    "edgeconv": lambda i, o, last, spec: EdgeConv(_mlp(2 * i, o), reduce="max"),
    "mlp": lambda i, o, last, spec: _Linear(i, o),
    "pgcn": pgcn_layer,
}


def model_key(name: str) -> str:
    """Return the :data:`MODELS` key of ``name``, ignoring case and ``_`` against ``-``.

    So ``"GCN"`` gives ``"gcn"`` and ``"SAGE_max"`` gives ``"sage-max"``, as dataset
    names do. Raises ValueError naming the valid models for an unknown name.
    """
    key = name.lower().replace("_", "-") if isinstance(name, str) else name
    if key not in MODELS:
        hint = did_you_mean(key, sorted(MODELS)) if isinstance(key, str) else ""
        raise ValueError(f"unknown model {name!r}{hint}; choose one of {sorted(MODELS)}")
    return key


class GNN(nn.Module):
    """A stack of ``num_layers`` layers of one kind for node-level prediction.

    Hidden layers apply ``norm``, ReLU and dropout; a residual connection adds the layer
    input where the widths match. Dropout also applies to the input features.

    Args:
        model (str): a key of :data:`MODELS`, in any case (``"GCN"`` is ``"gcn"``).
        in_channels (int), hidden_channels (int), out_channels (int): widths.
        num_layers (int): number of layers. (default: ``2``)
        dropout (float): feature dropout probability. (default: ``0.5``)
        norm (str, optional): ``"batch"`` (global statistics), ``"layer"`` or ``None``.
        residual (bool): add skip connections between hidden layers. (default: ``False``)
        heads (int): attention heads of hidden GAT layers. (default: ``4``)
        attention_dropout (float): attention dropout of GAT layers. (default: ``0.0``)
    """

    def __init__(
        self,
        model: str,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        num_layers: int = 2,
        dropout: float = 0.5,
        norm: str | None = None,
        residual: bool = False,
        heads: int = 4,
        attention_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        model = model_key(model)
        num_layers, heads, in_channels, hidden_channels, out_channels = _int_options(
            num_layers=num_layers, heads=heads, in_channels=in_channels,
            hidden_channels=hidden_channels, out_channels=out_channels,
        )
        for name, probability in (
            ("dropout", dropout),
            ("attention_dropout", attention_dropout),
        ):
            real = isinstance(probability, numbers.Real)
            if isinstance(probability, bool) or not real:
                raise WrongTypeError(
                    f"{name} must be a float in [0, 1], got {probability!r} of type "
                    f"{type(probability).__name__}"
                )
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        if heads < 1:
            raise ValueError(f"heads must be at least 1, got {heads}")
        if norm not in (None, "none", "batch", "layer"):
            raise ValueError(f"norm must be 'batch', 'layer' or None, got {norm!r}")
        widths = {"in_channels": in_channels, "out_channels": out_channels}
        # One layer maps in_channels to out_channels, so it has no hidden width.
        if num_layers > 1:
            widths["hidden_channels"] = hidden_channels
        for name, width in widths.items():
            if width < 1:
                raise ValueError(f"{name} must be at least 1, got {width}")
        for name, probability in (
            ("dropout", dropout),
            ("attention_dropout", attention_dropout),
        ):
            if not 0.0 <= probability <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {probability}")
        spec = LayerSpec(heads=heads, attention_dropout=attention_dropout)
        widths = [in_channels] + [hidden_channels] * (num_layers - 1) + [out_channels]
        factory = MODELS[model]
        self.layers = nn.ModuleList(
            factory(widths[k], widths[k + 1], k == num_layers - 1, spec)
            for k in range(num_layers)
        )
        self.norms = nn.ModuleList(
            _norm(norm, hidden_channels) for _ in range(num_layers - 1)
        )
        self.dropout, self.residual = dropout, residual
        self.in_channels = in_channels
        self.model_name = model

    def reset_parameters(self) -> None:
        """Re-initialise every layer and normalisation as at construction.

        GraphBatchNorm also resets its running statistics.
        """
        reset_module(self.layers)
        reset_module(self.norms)

    def extra_repr(self) -> str:
        # A GNN pickled by a graphkit that did not store model_name lacks the attribute.
        return (
            f"model={getattr(self, 'model_name', None)!r}, num_layers={len(self.layers)}, "
            f"dropout={self.dropout}, residual={self.residual}"
        )

    def forward(self, x: Tensor, graph: Graph) -> Tensor:
        check_graph(graph, "GNN")
        # Checked here because GIN, EdgeConv and MLP layers would fail inside a matrix
        # product, and an MLP layer would accept rows of other nodes. The message names
        # the first layer, which is the one that reads x.
        first_layer = type(self.layers[0]).__name__
        caller = "GNN" if first_layer == "_Linear" else first_layer
        check_layer_input(x, graph, self.in_channels, caller)
        check_module_dtype(x, self.layers[0], caller)
        x = dropout(x, self.dropout, self.training)
        for k, layer in enumerate(self.layers):
            out = layer(x, graph)
            if k == len(self.layers) - 1:
                return out
            norm = self.norms[k]
            out = norm(out, graph) if isinstance(norm, GraphBatchNorm) else norm(out)
            if self.residual and out.shape == x.shape:
                x = dropout(F.relu(out) + x, self.dropout, self.training)
            else:
                x = relu_dropout(out, self.dropout, self.training)
        return x


def _int_options(**options) -> list[int]:
    """Return the options as ints, raising WrongTypeError for one that is no whole number.

    Python and NumPy integers and one-element integer tensors (such as
    ``data.y.max() + 1``) pass. A bool, or a float width or layer count, which would
    otherwise fail inside torch or ``range``, raises.
    """
    counts = []
    for name, value in options.items():
        count = as_whole_number(value)
        if count is None:
            raise WrongTypeError(
                f"{name} must be an int, got {value!r} of type {type(value).__name__}"
            )
        counts.append(count)
    return counts


def _norm(kind: str | None, channels: int) -> nn.Module:
    if kind == "batch":
        return GraphBatchNorm(channels)
    if kind == "layer":
        return nn.LayerNorm(channels)
    return nn.Identity()
