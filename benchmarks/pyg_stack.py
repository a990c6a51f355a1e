"""The two-layer PyG model that the benchmarks run next to graphkit's ``GNN``.

Scripts in this folder import it as ``pyg_stack``, which works because Python puts the
running script's folder first on ``sys.path``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def pyg_stack(model: str, features: int, hidden: int, classes: int, dropout: float = 0.0):
    """Build a PyG ``GCNConv``, ``SAGEConv`` or ``GATConv`` stack of two layers.

    GAT uses 4 heads of ``hidden // 4`` channels and one output head, as
    ``graphkit.nn.GNN`` does with ``heads=4``. ``dropout`` applies to the input and to
    the hidden layer. With 0 the forward pass calls no dropout at all.
    """
    import torch_geometric.nn as pyg

    class PygStack(torch.nn.Module):
        def __init__(self):
            super().__init__()
            if model == "gcn":
                self.c1, self.c2 = pyg.GCNConv(features, hidden), pyg.GCNConv(hidden, classes)
            elif model == "sage":
                self.c1 = pyg.SAGEConv(features, hidden)
                self.c2 = pyg.SAGEConv(hidden, classes)
            else:
                self.c1 = pyg.GATConv(features, hidden // 4, heads=4)
                self.c2 = pyg.GATConv(hidden, classes, heads=1, concat=False)

        def forward(self, x, edge_index):
            if dropout:
                x = F.dropout(x, dropout, self.training)
            x = torch.relu(self.c1(x, edge_index))
            if dropout:
                x = F.dropout(x, dropout, self.training)
            return self.c2(x, edge_index)

    return PygStack()
