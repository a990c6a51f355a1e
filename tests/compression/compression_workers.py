"""Functions run inside spawned ranks by the compressed-exchange tests."""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from graphkit.distributed import ShardedGraph, partition_nodes, partition_payloads
from graphkit.distributed.compression import (
    Compression,
    FixedSchedule,
    LearnedCodec,
    QuantizeCodec,
    RandomProjectionCodec,
    SubsampleCodec,
    compression_from_config,
)
from graphkit.distributed.runtime import communicator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "distributed"))
from workers import MODELS, make_model, random_graph

MODES = ("sar", "sa", "one-shot")
CODECS = {
    "random-projection": lambda: RandomProjectionCodec(min_width=1),
    "subsample": lambda: SubsampleCodec(),
    "quantize": lambda: QuantizeCodec(min_width=1),
    "learned": lambda: LearnedCodec(seed=2, min_width=1),
}


def sharded(rank: int, world_size: int, mode: str, data=None):
    """This rank's graph over a random partition of the test graph, and its node ids."""
    data = random_graph() if data is None else data
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    return ShardedGraph.from_partition(communicator(), payload, mode), payload[
        "global_ids"
    ]


def forward_backward(name, graph, x, weight, dtype=torch.float32, pass_index=None):
    """Output, input gradient and summed parameter gradients of one pass."""
    model = make_model(name, x.size(1)).to(dtype)
    graph.sync_parameters(model)
    if graph.compression is not None:
        graph.compression.start_pass(pass_index)
    x = x.clone().to(dtype).requires_grad_(True)
    out = model(x, graph)
    (out * weight.to(dtype)).sum().backward()
    graph.sync_gradients(model)
    grads = {k: p.grad for k, p in model.named_parameters()}
    return out.detach(), x.grad, grads


def off_is_identical(rank: int, world_size: int) -> list[str]:
    """Ratio 1 and ``compression: none`` give bit-identical outputs and gradients."""
    from graphkit.train.config import TrainConfig

    assert compression_from_config(TrainConfig(), communicator()) is None
    data = random_graph()
    weight = torch.randn(data.num_nodes, 4, generator=torch.Generator().manual_seed(5))
    failures = []
    for mode in MODES:
        graph, ids = sharded(rank, world_size, mode, data)
        for name in MODELS:
            plain = forward_backward(name, graph, data.x[ids], weight[ids])
            graph.compression = Compression(
                RandomProjectionCodec(min_width=1), FixedSchedule(1.0), graph.comm
            )
            off = forward_backward(name, graph, data.x[ids], weight[ids])
            graph.compression = None
            pairs = [("output", plain[0], off[0]), ("input grad", plain[1], off[1])]
            pairs += [(f"grad {k}", plain[2][k], off[2][k]) for k in plain[2]]
            failures += [
                f"{mode} {name}: {what} differs"
                for what, a, b in pairs
                if not torch.equal(a, b)
            ]
    return failures


def _global_loss(name, graph, x, weight, params):
    model = make_model(name, x.size(1)).double()
    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(value)
    graph.compression.start_pass(0)
    with torch.no_grad():
        local = (model(x, graph) * weight).sum()
    return float(graph.reduce_sum(local.reshape(1)).item())


def gradients_match_differences(
    rank: int, world_size: int, codecs, models
) -> list[str]:
    """Compressed backward equals central differences of the compressed forward.

    Float64, features without ties, every mode; the directional derivative along a
    random direction of the inputs and of all model parameters is compared.
    """
    data = random_graph()
    data.x = torch.randn(data.num_nodes, 6, generator=torch.Generator().manual_seed(9))
    data.x = data.x.double()
    gen = torch.Generator().manual_seed(11)
    weight = torch.randn(data.num_nodes, 4, generator=gen, dtype=torch.float64)
    failures, outputs = [], {}
    for codec_name in codecs:
        for mode in MODES:
            graph, ids = sharded(rank, world_size, mode, data)
            for name in models:
                # A fresh codec per model: learned weights belong to one model's calls.
                codec = CODECS[codec_name]()
                graph.compression = Compression(codec, FixedSchedule(3.0), graph.comm)
                out, grad_x, grads = forward_backward(
                    name, graph, data.x[ids], weight[ids], torch.float64, pass_index=0
                )
                outputs.setdefault((codec_name, name), []).append((mode, out))
                model = make_model(name, 6).double()
                params = [p.detach().clone() for p in model.parameters()]
                dirs = [
                    torch.randn(p.shape, generator=gen, dtype=torch.float64)
                    for p in params
                ]
                v_x = torch.randn(data.x.shape, generator=gen, dtype=torch.float64)[ids]
                eps = 1e-6
                plus = _global_loss(
                    name,
                    graph,
                    data.x[ids] + eps * v_x,
                    weight[ids],
                    [p + eps * d for p, d in zip(params, dirs)],
                )
                minus = _global_loss(
                    name,
                    graph,
                    data.x[ids] - eps * v_x,
                    weight[ids],
                    [p - eps * d for p, d in zip(params, dirs)],
                )
                numeric = (plus - minus) / (2 * eps)
                local = (grad_x * v_x).sum()
                analytic = float(graph.reduce_sum(local.reshape(1)).item())
                analytic += sum(
                    float((grads[k] * d).sum())
                    for k, d in zip([k for k, _ in model.named_parameters()], dirs)
                )
                if abs(numeric - analytic) > 1e-5 * max(1.0, abs(numeric)):
                    failures.append(
                        f"{codec_name} {mode} {name}: backward {analytic:.8f}, "
                        f"differences {numeric:.8f}"
                    )
    for (codec_name, name), runs in outputs.items():
        first_mode, first = runs[0]
        for mode, out in runs[1:]:
            if not torch.allclose(out, first, atol=1e-10, rtol=1e-10):
                failures.append(
                    f"{codec_name} {name}: output of {mode} differs from {first_mode}"
                )
    return failures


def learned_training(rank: int, world_size: int, mode: str, steps: int = 3):
    """Train with a learned codec; return its gradients' norms and its final weights."""
    data = random_graph()
    graph, ids = sharded(rank, world_size, mode, data)
    graph.compression = Compression(CODECS["learned"](), FixedSchedule(4.0), graph.comm)
    model = make_model("sage", 6)
    x, weight = (
        data.x[ids],
        torch.randn(data.num_nodes, 4, generator=torch.Generator().manual_seed(5))[ids],
    )
    graph.compression.attach(model, x, graph)
    graph.sync_parameters(model)
    start = {k: v.detach().clone() for k, v in model.halo_codec.named_parameters()}
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    norms = []
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        (model(x, graph) * weight).sum().backward()
        graph.sync_gradients(model)
        norms.append(
            {k: float(p.grad.norm()) for k, p in model.halo_codec.named_parameters()}
        )
        optimizer.step()
    final = {k: v.detach().clone() for k, v in model.halo_codec.named_parameters()}
    changed = {k: float((final[k] - start[k]).abs().max()) for k in final}
    # Plain lists: tensors sent through the result queue need the sender alive.
    return norms, {k: v.tolist() for k, v in final.items()}, changed


def bytes_and_error(rank: int, world_size: int, codec_name: str, ratio: float):
    """Halo bytes sent by this rank in one forward/backward pass and the output error."""
    data = random_graph()
    data.x = torch.randn(data.num_nodes, 64, generator=torch.Generator().manual_seed(3))
    weight = torch.randn(data.num_nodes, 32, generator=torch.Generator().manual_seed(5))
    graph, ids = sharded(rank, world_size, "sa", data)
    from graphkit.nn import GNN

    def run():
        torch.manual_seed(0)
        model = GNN("sage", 64, 64, 32, num_layers=2, dropout=0.0)
        graph.comm.stats.reset()
        out = model(data.x[ids], graph)
        (out * weight[ids]).sum().backward()
        halo = sum(
            v for k, v in graph.comm.stats.sent.items() if k.startswith("aggregate")
        )
        return out.detach(), halo

    plain, plain_bytes = run()
    graph.compression = Compression(
        CODECS[codec_name]() if codec_name != "learned" else LearnedCodec(min_width=16),
        FixedSchedule(ratio),
        graph.comm,
    )
    compressed, compressed_bytes = run()
    return (
        plain_bytes,
        compressed_bytes,
        float((plain - compressed).norm() / plain.norm()),
    )


def metric_traffic(rank: int, world_size: int, logits, y, mask):
    """ROC-AUC and accuracy over a random partition, with the bytes sent per label."""
    from graphkit.train.metrics import accuracy, roc_auc

    graph, ids = sharded(rank, world_size, "sar", random_graph())
    graph.comm.stats.reset()
    auc = roc_auc(logits[ids], y[ids], mask[ids], graph)
    acc = accuracy(logits[ids], y[ids], mask[ids], graph)
    return auc, acc, dict(graph.comm.stats.sent)


def float64_quantized_output(rank: int, world_size: int):
    """Run a float64 model with quantized halos. Return its output dtype and error."""
    from graphkit.nn import GNN

    data = random_graph()
    data.x = torch.randn(data.num_nodes, 32, generator=torch.Generator().manual_seed(3))
    graph, ids = sharded(rank, world_size, "sa", data)
    torch.manual_seed(0)
    model = GNN("sage", 32, 32, 8, num_layers=2, dropout=0.0).double()
    x = data.x[ids].double()
    plain = model(x, graph).detach()
    graph.compression = Compression(
        QuantizeCodec(min_width=1), FixedSchedule(4), graph.comm
    )
    out = model(x, graph)
    out.sum().backward()
    return str(out.dtype), float((plain - out.detach()).norm() / plain.norm())


# (max_message_bytes, look_ahead) pairs; the first is the reference.
MESSAGE_SETTINGS = ((None, True), (None, False), (1, True), (1, False), (100, True))
# One model per SAR function: linear, extremum, attention and a message function.
MESSAGE_MODELS = ("gcn", "sage-max", "gat", "message-edge")


def message_limit_is_invisible(rank: int, world_size: int) -> list[str]:
    """Every codec gives bit-identical results for every message limit and look-ahead.

    Compares outputs, input gradients, model gradients and learned codec gradients of
    one float32 pass in ``sar`` and ``sa`` mode with those of whole payloads sent with
    look-ahead.
    """
    data = random_graph()
    weight = torch.randn(data.num_nodes, 4, generator=torch.Generator().manual_seed(5))
    parts = partition_nodes(data.edge_index, data.num_nodes, world_size, "random")
    _, payload = next(partition_payloads(data, parts, world_size, ranks=[rank]))
    ids, comm = payload["global_ids"], communicator()
    failures = []
    for mode in ("sar", "sa"):
        graphs = [
            ShardedGraph.from_partition(
                comm, payload, mode, look_ahead=look_ahead, max_message_bytes=limit
            )
            for limit, look_ahead in MESSAGE_SETTINGS
        ]
        for codec_name, make_codec in CODECS.items():
            for name in MESSAGE_MODELS:
                runs = []
                for graph in graphs:
                    codec = make_codec()
                    graph.compression = Compression(codec, FixedSchedule(3.0), comm)
                    out, grad_x, grads = forward_backward(
                        name, graph, data.x[ids], weight[ids], pass_index=0
                    )
                    if isinstance(codec, LearnedCodec):
                        for key, p in codec.named_parameters():
                            grads[f"codec {key}"] = p.grad
                    graph.compression = None
                    runs.append({"output": out, "input grad": grad_x, **grads})
                for (limit, look_ahead), run in zip(MESSAGE_SETTINGS[1:], runs[1:]):
                    for key, want in runs[0].items():
                        got = run[key]
                        same = (got is None and want is None) or (
                            got is not None
                            and want is not None
                            and torch.equal(got, want)
                        )
                        if not same:
                            failures.append(
                                f"{mode} {codec_name} {name}, max_message_bytes="
                                f"{limit}, look_ahead={look_ahead}: {key} differs"
                            )
    return failures


def learned_weight_names(rank: int, world_size: int, ratios) -> list[list[str]]:
    """Return, per starting ratio, the weight names of a new learned codec."""
    data = random_graph()
    graph, ids = sharded(rank, world_size, "sar", data)
    names = []
    for ratio in ratios:
        codec = LearnedCodec(seed=2, min_width=1)
        graph.compression = Compression(codec, FixedSchedule(ratio), graph.comm)
        model = make_model("sage", data.num_features)
        graph.compression.attach(model, data.x[ids], graph)
        names.append(sorted(codec.encoders.keys()))
    graph.compression = None
    return names
