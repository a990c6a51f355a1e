"""Peak memory of full-batch training steps, against graphkit train's estimate.

Run once per configuration, in a fresh process, because the peak is the process's
``VmHWM`` (reset through ``/proc/self/clear_refs``, Linux only). The graph's caches
are warmed with a small model first, so the peak counts the configured model's
parameters, Adam states and activations. Prints one JSON line with the measured peak
(``peak_bytes``) and the estimate of ``estimated_training_bytes`` (``estimate_bytes``).

    python benchmarks/training_memory.py sage 4096 2 4 none 20000 100000 64 10

Arguments: model, hidden width, layers, heads, norm, nodes, random edges (each also
stored reversed), features, classes.
"""

from __future__ import annotations

import argparse
import json

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


def _parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Peak memory of full-batch training steps against the estimate."
    )
    parser.add_argument("model", help="layer type, as graphkit train --model")
    parser.add_argument("hidden", type=int, help="hidden width")
    parser.add_argument("layers", type=int, help="number of layers")
    parser.add_argument("heads", type=int, help="GAT or pgcn heads")
    parser.add_argument("norm", choices=("none", "batch", "layer"))
    parser.add_argument("nodes", type=int, help="number of nodes")
    parser.add_argument(
        "edges", type=int, help="random edges, each also stored reversed"
    )
    parser.add_argument("features", type=int, help="input features")
    parser.add_argument("classes", type=int, help="output classes")
    return parser.parse_args()


def main() -> None:
    arguments = _parse_arguments()
    model, norm = arguments.model, arguments.norm
    hidden, layers, heads = arguments.hidden, arguments.layers, arguments.heads
    nodes, edges = arguments.nodes, arguments.edges
    features, classes = arguments.features, arguments.classes
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
