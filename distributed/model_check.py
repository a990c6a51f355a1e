"""Check that every rank built the same model before its weights are synchronised.

Parameter synchronisation broadcasts rank 0's flattened parameters and buffers into
each rank's own. When a rank's model has other shapes (for example an output layer
sized from ``data.y.max() + 1`` of that rank's nodes only), the flat tensors differ in
size, and gloo aborts the process (``gloo::EnforceNotMet``) without a Python error.
"""

from __future__ import annotations

import hashlib

import torch
from torch import nn

from graphkit.distributed.comm import Communicator


def model_layout(module: nn.Module) -> list[str]:
    """Return one line per parameter and buffer: kind, name, shape and dtype."""
    lines = []
    for kind, named in (("parameter", module.named_parameters()),
                        ("buffer", module.named_buffers())):
        for name, tensor in named:
            dtype = str(tensor.dtype).removeprefix("torch.")
            lines.append(f"{kind} {name!r} of shape {list(tensor.shape)} and {dtype}")
    return lines


def _layout_hash(lines: list[str]) -> int:
    digest = hashlib.sha256("\n".join(lines).encode()).digest()
    # Seven bytes fit in the signed int64 that all_gather_sizes sums.
    return int.from_bytes(digest[:7], "big")


def _rank_zero_layout(comm: Communicator, lines: list[str]) -> list[str]:
    encoded = "\n".join(lines).encode()
    size = comm.all_gather_sizes(len(encoded))[0]
    buffer = torch.zeros(size, dtype=torch.uint8, device=comm.device)
    if comm.rank == 0 and size > 0:
        # torch.frombuffer rejects an empty buffer (a model without parameters).
        buffer.copy_(torch.frombuffer(bytearray(encoded), dtype=torch.uint8))
    comm.broadcast(buffer, src=0, label="setup")
    text = bytes(buffer.cpu().tolist()).decode()
    return text.split("\n") if text else []


def _first_difference(own: list[str], reference: list[str]) -> str:
    for mine, theirs in zip(own, reference):
        if mine != theirs:
            return f"this rank has {mine}, where rank 0 has {theirs}"
    if len(own) > len(reference):
        return f"this rank has {own[len(reference)]}, which rank 0 lacks"
    return f"rank 0 has {reference[len(own)]}, which this rank lacks"


def check_same_model(comm: Communicator, module: nn.Module) -> None:
    """Raise ValueError on every rank unless all ranks' models have one layout.

    The layout is the names, shapes and dtypes of the parameters and buffers. All
    ranks must call this together. The check costs one small all-reduce, and a second
    exchange only when the layouts differ.
    """
    lines = model_layout(module)
    hashes = comm.all_gather_sizes(_layout_hash(lines))
    others = [rank for rank, value in enumerate(hashes) if value != hashes[0]]
    if not others:
        return
    reference = _rank_zero_layout(comm, lines)
    fix = ("Build the same model on every rank, with sizes taken from the whole "
           "graph rather than from this rank's nodes (for example the number of "
           "classes of all labels, not data.y.max() + 1 of one rank)")
    if comm.rank in others:
        detail = _first_difference(lines, reference)
        raise ValueError(
            f"rank {comm.rank}: the model differs from rank 0's, so its weights "
            f"cannot be synchronised: {detail}. {fix}"
        )
    raise ValueError(
        f"rank {comm.rank}: ranks {others} built a model other than rank 0's (other "
        f"parameter or buffer names, shapes or dtypes), so the weights cannot be "
        f"synchronised. {fix}"
    )
