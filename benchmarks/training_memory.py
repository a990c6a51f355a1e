"""Peak memory of full-batch training steps, against graphkit train's estimate.

Run once per configuration, in a fresh process, because the peak is the process's
``VmHWM`` (reset through ``/proc/self/clear_refs``, Linux only). The graph's caches
are warmed with a small model first, so the peak counts the configured model's
parameters, Adam states and activations. Prints one JSON line with the measured peak
and ``estimated_training_bytes`` in bytes.

    python benchmarks/training_memory.py sage 4096 2 4 none 20000 100000 64 10

Arguments: model, hidden width, layers, heads, norm, nodes, random edges (each also
stored reversed), features, classes.
"""

from __future__ import annotations

import json
import sys

import torch
import torch.nn.functional as F
from torch_geometric.data import Data

from graphkit.graph import LocalGraph
from graphkit.nn.models import GNN
from graphkit.train import TrainConfig
from graphkit.train.model_memory import estimated_training_bytes


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not found in /proc/self/status")


def _train_steps(model: GNN, data: Data, graph: LocalGraph, steps: int) -> None:
    optimizer = torch.optim.Adam(model.parameters())
    for _ in range(steps):
        model.train()
        loss = F.cross_entropy(model(data.x, graph), data.y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        model.eval()
        with torch.no_grad():
            model(data.x, graph)


def main() -> None:
    model, norm = sys.argv[1], sys.argv[5]
    hidden, layers, heads, nodes, edges, features, classes = map(
        int, sys.argv[2:5] + sys.argv[6:10]
    )
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(0, nodes, (2, edges), generator=generator)
    data = Data(
        x=torch.randn(nodes, features, generator=generator),
        edge_index=torch.cat([edge_index, edge_index.flip(0)], 1),
        y=torch.randint(0, classes, (nodes,), generator=generator),
        num_nodes=nodes,
    )
    graph = LocalGraph.from_data(data)

    norm_kind = None if norm == "none" else norm
    small_width = 2 * heads if model == "gat" else 8
    small = GNN(model, features, small_width, classes, layers, heads=heads, norm=norm_kind)
    _train_steps(small, data, graph, 2)
    del small

    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    base = _status_bytes("VmRSS")
    net = GNN(model, features, hidden, classes, layers, heads=heads, norm=norm_kind)
    _train_steps(net, data, graph, 3)
    peak = _status_bytes("VmHWM") - base

    config = TrainConfig(model=model, hidden=hidden, layers=layers, heads=heads, norm=norm)
    estimate = estimated_training_bytes(
        config, nodes, graph.block.num_edges, features, classes, 4
    )
    print(json.dumps({
        "model": model, "hidden": hidden, "layers": layers, "heads": heads,
        "norm": norm, "nodes": nodes, "stored_edges": graph.block.num_edges,
        "features": features, "classes": classes, "peak_bytes": peak,
        "estimate_bytes": estimate,
    }))


if __name__ == "__main__":
    main()
