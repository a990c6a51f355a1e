"""Functions run inside spawned ranks by the device-selection tests."""

from __future__ import annotations

import torch
import torch.distributed as dist
from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.device import select_device
from graphkit.distributed.runtime import communicator, payload_to
from workers import compare, make_model, random_graph, reference


def equivalence_on_device(rank: int, world_size: int, requested: str, models, modes):
    """Compare models with one process, on the device that ``select_device`` returns.

    The payload is moved with ``payload_to`` and the graph takes its device from the
    communicator, as ``graphkit train`` does. Returns ``(device, backend, failures)``.
    """
    device, backend = select_device(requested, "auto", distributed=True)
    comm = communicator()
    failures = []
    if backend != dist.get_backend():
        failures.append(
            f"backend {backend} differs from the group's {dist.get_backend()}"
        )
    if comm.device != device:
        failures.append(f"communicator is on {comm.device}, but {device} was selected")
    data = random_graph()
    weight = torch.randn(data.num_nodes, 4, generator=torch.Generator().manual_seed(5))
    wants = {name: reference(name, data, weight) for name in models}
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "metis")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    payload = payload_to(payload, device)
    ids = payload["global_ids"]
    for mode in modes:
        graph = ShardedGraph.from_partition(comm, payload, mode)
        if graph.device != device:
            failures.append(f"graph is on {graph.device}, but {device} was selected")
        for name in models:
            model = make_model(name, data.num_features).to(device)
            graph.sync_parameters(model)
            x = data.x.to(device)[ids].clone().requires_grad_(True)
            out = model(x, graph)
            (out * weight.to(device)[ids]).sum().backward()
            graph.sync_gradients(model)
            got = (
                out.detach().cpu(),
                x.grad.cpu(),
                {k: p.grad.cpu() for k, p in model.named_parameters()},
            )
            case = f"world {world_size} {device} {mode} {name}"
            failures += compare(case, got, wants[name], ids.cpu())
    return str(device), backend, failures
