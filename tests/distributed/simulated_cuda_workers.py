"""Functions run inside spawned ranks by the simulated-CUDA distributed tests."""

from __future__ import annotations

import traceback

import torch
from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.comm import Communicator
from graphkit.distributed.compression import (
    Compression,
    FixedSchedule,
    LearnedCodec,
    QuantizeCodec,
    RandomProjectionCodec,
    SubsampleCodec,
)
from graphkit.distributed.runtime import communicator, payload_to
from simulated_cuda import SimulatedCuda
from workers import make_model, random_graph

# Codec factories by name; None sends the rows uncompressed.
CODECS = {
    "none": None,
    "random-projection": lambda: RandomProjectionCodec(min_width=1),
    "subsample": lambda: SubsampleCodec(),
    "quantize": lambda: QuantizeCodec(min_width=1),
    "learned": lambda: LearnedCodec(seed=2, min_width=1),
}


def _pass(comm, payload, mode, name, codec, device, data, weight):
    """Run one forward and backward pass; return output, input and parameter grads."""
    graph = ShardedGraph.from_partition(comm, payload_to(payload, device), mode)
    ids = payload["global_ids"]
    x = data.x.to(device)[ids].clone()
    torch.manual_seed(0)
    model = make_model(name, data.num_features).to(device)
    if codec is not None:
        graph.compression = Compression(codec(), FixedSchedule(4.0), comm, seed=1)
        graph.compression.attach(model, x, graph)
        graph.compression.start_pass(3)
    graph.sync_parameters(model)
    x.requires_grad_(True)
    out = model(x, graph)
    (out * weight.to(device)[ids]).sum().backward()
    graph.sync_gradients(model)
    if graph.compression is not None:
        graph.compression.end_epoch(1, 0.0)
    grads = {key: p.grad.cpu() for key, p in model.named_parameters()}
    return out.detach().cpu(), x.grad.cpu(), grads


def simulated_cuda_matches_cpu(rank: int, world_size: int, models, modes):
    """Compare passes on simulated CUDA with the same passes on the CPU.

    The gloo group sends the CPU data of the simulated CUDA tensors, while a
    communicator on ``"cuda"`` rejects every CPU tensor, as one on nccl does.
    Returns one line per case whose results differ or that raised.
    """
    data = random_graph()
    weight = torch.randn(data.num_nodes, 4, generator=torch.Generator().manual_seed(5))
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "metis")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    cpu_comm = communicator()
    failures = []
    for mode in modes:
        for name in models:
            for codec_name, codec in CODECS.items():
                case = f"rank {rank} {mode} {name} {codec_name}"
                args = (mode, name, codec, data, weight)
                expected = _pass(cpu_comm, payload, *args[:3], "cpu", *args[3:])
                try:
                    with SimulatedCuda():
                        cuda_comm = Communicator(None, 60.0, None, "cuda")
                        got = _pass(cuda_comm, payload, *args[:3], "cuda", *args[3:])
                except Exception as error:  # reported with the case, not raised
                    where = "".join(traceback.format_tb(error.__traceback__)[-2:])
                    failures.append(f"{case}: {type(error).__name__}: {error}\n{where}")
                    continue
                for what, a, b in zip(("output", "x.grad"), got, expected):
                    if not torch.equal(a, b):
                        failures.append(f"{case}: {what} differs from the CPU run")
                for key, grad in got[2].items():
                    if not torch.equal(grad, expected[2][key]):
                        failures.append(f"{case}: grad of {key} differs")
    return failures


def training_on_cuda_matches_cpu(rank: int, world_size: int, compressions) -> list[str]:
    """Train with each ``--compression`` on the CPU and on simulated CUDA; compare.

    The graph and data come from ``runtime.build_partition`` as in ``graphkit train``,
    with the group's device set to ``"cuda"`` for the second run. The trainer's calls
    into ``torch.cuda`` are replaced, since they need a CUDA build.
    """
    from graphkit.distributed import runtime
    from graphkit.train import trainer as trainer_module
    from graphkit.train.config import TrainConfig

    trainer_module.reset_peak_cuda_bytes = lambda device: None
    trainer_module.peak_cuda_bytes = lambda device: 0

    def summary(compression: str) -> dict:
        torch.manual_seed(0)
        config = TrainConfig(
            dataset_options={"num_nodes": 200, "seed": 3},
            epochs=3,
            hidden=16,
            compression=compression,
            compression_ratio=4.0,
            compression_min_width=1 if compression != "subsample" else 16,
        )
        graph, data = runtime.build_partition(config, rank, world_size)
        return trainer_module.Trainer(config, data, graph).fit()

    failures = []
    group_device = runtime._state.get("device")
    for compression in compressions:
        expected = summary(compression)
        try:
            with SimulatedCuda():
                runtime._state["device"] = torch.device("cuda", 0)
                got = summary(compression)
        except Exception as error:  # reported with the case, not raised
            where = "".join(traceback.format_tb(error.__traceback__)[-2:])
            failures.append(f"rank {rank} {compression}: {error!r}\n{where}")
            continue
        finally:
            runtime._state["device"] = group_device
        if got != expected:
            failures.append(f"rank {rank} {compression}: {got} != CPU {expected}")
    return failures
