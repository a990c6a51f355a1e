"""GNN layers and model stacks written against :class:`graphkit.graph.Graph`.

Parameter names match PyG's layers, so ``layer.load_state_dict(pyg_layer.state_dict())``
copies weights between the two.
"""

from graphkit.nn.conv import GATConv, GCNConv, GINConv, SAGEConv
from graphkit.nn.message import EdgeConv, MessagePassingLayer
from graphkit.nn.models import MODELS, GNN
from graphkit.nn.norm import GraphBatchNorm

__all__ = [
    "EdgeConv",
    "GATConv",
    "GCNConv",
    "GINConv",
    "GNN",
    "GraphBatchNorm",
    "MODELS",
    "MessagePassingLayer",
    "SAGEConv",
]
